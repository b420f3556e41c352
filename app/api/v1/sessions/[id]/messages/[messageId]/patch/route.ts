import { authed } from "@/lib/api/handler";
import { messagePatch } from "@/lib/ship/service";
import { mailbox } from "@/lib/ship/response";

export const GET = authed(async (_req, caller, { id, messageId }) => mailbox(await messagePatch(caller, id!, messageId!)));
