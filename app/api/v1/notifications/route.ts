import { authed, json, query } from "@/lib/api/handler";
import { listNotifications, ZListNotificationsQuery } from "@/lib/notifications/service";

export const GET = authed(async (req, caller) => json(await listNotifications(caller, query(req, ZListNotificationsQuery))));
