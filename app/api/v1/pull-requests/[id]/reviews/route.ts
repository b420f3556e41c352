import { authed, json } from "@/lib/api/handler";
import { listPrReviews } from "@/lib/reviews/service";

export const GET = authed(async (_req, caller, { id }) => json({ reviews: await listPrReviews(caller, id!) }));
