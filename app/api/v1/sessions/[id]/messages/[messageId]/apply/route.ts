import { authed, json } from "@/lib/api/handler";
import { applyMessage } from "@/lib/vibecode/service";

export const POST = authed(async (_req, caller, { id, messageId }) => json(await applyMessage(caller, id!, messageId!)));
