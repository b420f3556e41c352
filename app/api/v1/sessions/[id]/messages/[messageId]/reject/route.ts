import { authed, json } from "@/lib/api/handler";
import { rejectMessage } from "@/lib/vibecode/service";

export const POST = authed(async (_req, caller, { id, messageId }) => json(await rejectMessage(caller, id!, messageId!)));
