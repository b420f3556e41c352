import { authed, json } from "@/lib/api/handler";
import { markAllRead } from "@/lib/notifications/service";

export const POST = authed(async (_req, caller) => json(await markAllRead(caller)));
