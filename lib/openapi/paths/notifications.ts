import { z } from "zod";
import { route } from "../registry";
import { NOTIFICATION_KINDS, ZNotificationSchema } from "../../realtime/events";
import { ZListNotificationsQuery, ZPreferencesSchema } from "../../notifications/service";

const ZNotification = ZNotificationSchema.meta({ id: "Notification" });
const ZPreferences = z
  .object({ kinds: z.object(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, z.boolean()]))), browser: z.boolean() })
  .meta({ id: "NotificationPreferences" });
const personal = "Only the caller's own; agent tokens get 403, a project-scoped token sees only notifications of its projects";

route({
  method: "get",
  path: "/api/v1/notifications",
  tag: "Notifications",
  summary: `The caller's notifications, newest first (page back with before=next_before; unread=true for unread only). ${personal}`,
  query: ZListNotificationsQuery,
  responses: { 200: { description: "Notifications", schema: z.object({ notifications: z.array(ZNotification), unread_count: z.number(), next_before: z.string().nullable() }) } },
  errors: [400, 403],
});
route({
  method: "post",
  path: "/api/v1/notifications/{id}/read",
  tag: "Notifications",
  summary: "Mark one read (publishes notification.read to user:<id>); another user's id answers 404",
  responses: { 200: { description: "The notification", schema: ZNotification } },
  errors: [403, 404],
});
route({
  method: "post",
  path: "/api/v1/notifications/read-all",
  tag: "Notifications",
  summary: "Mark all of the caller's notifications read",
  responses: { 200: { description: "How many", schema: z.object({ marked: z.number(), unread_count: z.number() }) } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/notifications/preferences",
  tag: "Notifications",
  summary: "Which kinds the caller gets (all on by default) and whether they opted in to browser notifications",
  responses: { 200: { description: "Preferences", schema: ZPreferences } },
  errors: [403],
});
route({
  method: "put",
  path: "/api/v1/notifications/preferences",
  tag: "Notifications",
  summary: "Change some kinds and/or browser; kinds left out keep their setting. Project-scoped tokens get 403",
  body: ZPreferencesSchema,
  responses: { 200: { description: "Preferences", schema: ZPreferences } },
  errors: [400, 403],
});
