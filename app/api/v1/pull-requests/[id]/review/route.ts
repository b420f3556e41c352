import { authed, json } from "@/lib/api/handler";
import { reviewPullRequest } from "@/lib/reviews/service";

export const POST = authed(async (_req, caller, { id }) => json(await reviewPullRequest(caller, id!), 202));
