import { authed } from "@/lib/api/handler";
import { sessionPatch } from "@/lib/ship/service";
import { mailbox } from "@/lib/ship/response";

export const GET = authed(async (_req, caller, { id }) => mailbox(await sessionPatch(caller, id!)));
