// Notifications: what needs one person's attention, stored per user and published as notification.created to
// their own room user:<id> (replayable with `since` like any room). Only the recipient reads or marks them.
// Which kinds a user gets is theirs to choose (preferences); retention (lib/retention.ts) bounds the table.
import { z } from "zod";
import { getPrisma } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { publish } from "../realtime/publish";
import { NOTIFICATION_KINDS, rooms, type TNotification } from "../realtime/events";
import type { PublicUser } from "../auth/users";
import type { Caller } from "../auth/identify";
import { redactString } from "../redact";

export { NOTIFICATION_KINDS, type TNotification };
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The newest notifications kept per user (older ones are deleted by retention). */
export const NOTIFICATIONS_PER_USER = 500;
/** The most recipients of one notification (a workflow failing in a very large project). */
export const MAX_RECIPIENTS = 1000;

const SOURCE = "notifications";

export const ZListNotificationsQuery = z.object({
  before: z.string().regex(/^\d{1,19}$/, "must be a notification id").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  unread: z.enum(["true", "false"]).optional(),
});

export const ZPreferencesSchema = z
  .object({
    kinds: z.partialRecord(z.enum(NOTIFICATION_KINDS), z.boolean()).optional(),
    browser: z.boolean().optional(),
  })
  .strict();

type Row = {
  id: bigint;
  kind: string;
  title: string;
  body: string;
  projectId: string | null;
  link: string | null;
  traceId: string | null;
  data: unknown;
  readAt: Date | null;
  createdAt: Date;
};

export function serializeNotification(n: Row): TNotification {
  return {
    id: n.id.toString(),
    kind: n.kind as NotificationKind,
    title: n.title,
    body: n.body,
    project_id: n.projectId,
    link: n.link,
    trace_id: n.traceId,
    data: (n.data ?? {}) as Record<string, unknown>,
    read_at: n.readAt?.toISOString() ?? null,
    created_at: n.createdAt.toISOString(),
  };
}

/**
 * Notifications are personal: agent tokens (agent work only) may not read them; a project-scoped token sees
 * only those of its projects.
 */
function personal(user: PublicUser): { userId: string; projectId?: { in: string[] } } {
  const c = user as Caller;
  if (c.tokenKind === "agent") throw forbidden("Agent tokens cannot read or change notifications; sign in or use a personal token");
  return c.scope ? { userId: user.id, projectId: { in: c.scope } } : { userId: user.id };
}

export type NotifyInput = {
  kind: NotificationKind;
  title: string;
  body?: string;
  projectId?: string | null;
  link?: string | null;
  traceId?: string | null;
  data?: Record<string, unknown>;
};

/** Store and publish a notification to each recipient who has not turned its kind off. */
export async function notify(userIds: Iterable<string>, input: NotifyInput): Promise<number> {
  const ids = [...new Set(userIds)].slice(0, MAX_RECIPIENTS);
  if (!ids.length) return 0;
  const prisma = getPrisma();
  const prefs = await prisma.notificationPreference.findMany({ where: { userId: { in: ids } }, select: { userId: true, disabled: true } });
  const off = new Set(prefs.filter((p) => p.disabled.includes(input.kind)).map((p) => p.userId));
  let sent = 0;
  for (const userId of ids) {
    if (off.has(userId)) continue;
    const row = await prisma.notification.create({
      data: {
        userId,
        kind: input.kind,
        title: redactString(input.title).slice(0, 300),
        body: redactString(input.body ?? "").slice(0, 2000),
        projectId: input.projectId ?? null,
        link: input.link ?? null,
        traceId: input.traceId ?? null,
        data: (input.data ?? {}) as object,
      },
    });
    await publish({ type: "notification.created", room: rooms.user(userId), source: SOURCE, traceId: input.traceId ?? null, data: serializeNotification(row), masked: true });
    sent++;
  }
  return sent;
}

export async function unreadCount(user: PublicUser): Promise<number> {
  return getPrisma().notification.count({ where: { ...personal(user), readAt: null } });
}

/** Newest first; `before` pages back (the next page starts before `next_before`). */
export async function listNotifications(user: PublicUser, q: z.infer<typeof ZListNotificationsQuery>) {
  const where = { ...personal(user), ...(q.before ? { id: { lt: BigInt(q.before) } } : {}), ...(q.unread === "true" ? { readAt: null } : {}) };
  const rows = await getPrisma().notification.findMany({ where, orderBy: { id: "desc" }, take: q.limit });
  const items = rows.map(serializeNotification);
  return {
    notifications: items,
    unread_count: await unreadCount(user),
    next_before: rows.length === q.limit ? items[items.length - 1]!.id : null,
  };
}

async function announceRead(user: PublicUser, ids: string[] | null) {
  await publish({ type: "notification.read", room: rooms.user(user.id), source: SOURCE, data: { ids, unread_count: await unreadCount(user) }, masked: true });
}

/** Mark one as read; someone else's (or none) answers 404, the same as one that does not exist. */
export async function markRead(user: PublicUser, id: string) {
  if (!/^\d{1,19}$/.test(id)) throw notFound("Notification");
  const prisma = getPrisma();
  const where = { ...personal(user), id: BigInt(id) };
  const n = await prisma.notification.findFirst({ where });
  if (!n) throw notFound("Notification");
  const row = n.readAt ? n : await prisma.notification.update({ where: { id: n.id }, data: { readAt: new Date() } });
  if (!n.readAt) await announceRead(user, [id]);
  return serializeNotification(row);
}

export async function markAllRead(user: PublicUser) {
  const { count } = await getPrisma().notification.updateMany({ where: { ...personal(user), readAt: null }, data: { readAt: new Date() } });
  if (count) await announceRead(user, null);
  return { marked: count, unread_count: await unreadCount(user) };
}

export async function getPreferences(user: PublicUser) {
  personal(user);
  const p = await getPrisma().notificationPreference.findUnique({ where: { userId: user.id } });
  const disabled = new Set(p?.disabled ?? []);
  return {
    kinds: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, !disabled.has(k)])) as Record<NotificationKind, boolean>,
    browser: p?.browser ?? false,
  };
}

export async function putPreferences(user: PublicUser, input: z.infer<typeof ZPreferencesSchema>) {
  if ((user as Caller).scope) throw new AppError("FORBIDDEN", 403, "A project-scoped token cannot change notification preferences");
  const current = await getPreferences(user);
  const kinds = { ...current.kinds, ...(input.kinds ?? {}) };
  const disabled = NOTIFICATION_KINDS.filter((k) => !kinds[k]);
  const browser = input.browser ?? current.browser;
  await getPrisma().notificationPreference.upsert({
    where: { userId: user.id },
    create: { userId: user.id, disabled, browser },
    update: { disabled, browser },
  });
  return getPreferences(user);
}
