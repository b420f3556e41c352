// Notifications (issue #16): one user's, in their own room user:<id> only (lib/notifications/service.ts).
import { z } from "zod";

export const NOTIFICATION_KINDS = ["run_failed", "workflow_failed", "workflow_stale", "patch_proposed", "agent_offline", "member_added"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const ZNotificationSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  title: z.string(),
  body: z.string(),
  project_id: z.string().nullable(),
  link: z.string().nullable(),
  trace_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  read_at: z.string().nullable(),
  created_at: z.string(),
});
export type TNotification = z.infer<typeof ZNotificationSchema>;

export const notificationEvents = {
  "notification.created": ZNotificationSchema,
  /** Notifications were marked read (ids, or null: all of them) in any tab; the unread count after. */
  "notification.read": z.object({ ids: z.array(z.string()).nullable(), unread_count: z.number() }),
} as const;
