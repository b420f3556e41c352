import { authed, json } from "@/lib/api/handler";
import { markRead } from "@/lib/notifications/service";

export const POST = authed(async (_req, caller, { id }) => json(await markRead(caller, id!)));
