import { authed, json } from "@/lib/api/handler";
import { getReview } from "@/lib/reviews/service";

export const GET = authed(async (_req, caller, { id }) => json(await getReview(caller, id!)));
