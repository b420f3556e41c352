import { authed, json } from "@/lib/api/handler";
import { reviewPatch } from "@/lib/reviews/service";

export const POST = authed(async (_req, caller, { id, messageId }) => json(await reviewPatch(caller, id!, messageId!), 202));
