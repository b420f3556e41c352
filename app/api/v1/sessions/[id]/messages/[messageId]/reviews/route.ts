import { authed, json } from "@/lib/api/handler";
import { listPatchReviews } from "@/lib/reviews/service";

export const GET = authed(async (_req, caller, { id, messageId }) => json({ reviews: await listPatchReviews(caller, id!, messageId!) }));
