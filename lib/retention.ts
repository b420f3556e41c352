// Retention of what grows without bound: the event log (EVENT_RETENTION_DAYS, and the newest
// EVENT_RETENTION_PER_ROOM events of each room) and the webhook delivery log (the same age). A periodic job
// (EVENT_RETENTION_INTERVAL_SECONDS) deletes in batches of BATCH rows, each its own statement, so no delete
// holds locks for long and publishes go on between batches. With several processes on one PostgreSQL, a
// session advisory lock lets one process at a time run it (the others skip that turn); PGlite is one process.
// Before deleting a room's events it raises that room's floor (event_floors: the highest id deleted), so a
// replay after an older `since` is answered with an explicit reset (lib/realtime/gaps.ts). It also removes
// idempotency keys older than IDEMPOTENCY_WINDOW_MS (lib/idempotency.ts), audit entries older than
// AUDIT_RETENTION_DAYS (lib/audit.ts), invite/reset links dead for a week, and notifications older than
// EVENT_RETENTION_DAYS or past the newest NOTIFICATIONS_PER_USER of a user (lib/notifications/service.ts).
import { errInfo, logger } from "./logger";
import pg from "pg";
import { Prisma } from "../generated/prisma/client";
import type { AppConfig } from "./config";
import { getPrisma, parsePgUrl } from "./db";
import { metrics } from "./metrics";
import { after, every } from "./runtime";
import { NOTIFICATIONS_PER_USER } from "./notifications/service";

const BATCH = 5000;
const LOCK_KEY = "switchboard:retention";
const DAY_MS = 86_400_000;

export type RetentionResult = {
  eventsByAge: number;
  eventsByRoomCap: number;
  deliveriesByAge: number;
  idempotencyKeys: number;
  auditByAge: number;
  accountLinks: number;
  notificationsByAge: number;
  notificationsByUserCap: number;
};

const pause = () => new Promise<void>((r) => setImmediate(r));

/**
 * Record, per room, the highest event id about to be deleted (never lowered). Written before the delete:
 * a replay that finds an event missing then always sees the floor (a failed delete leaves a floor above
 * what is gone, which only costs a client an unneeded refetch).
 */
async function raiseFloors(floors: Map<string, bigint>): Promise<void> {
  if (!floors.size) return;
  const values = Prisma.join([...floors].map(([room, id]) => Prisma.sql`(${room}, ${id})`));
  await getPrisma().$executeRaw`INSERT INTO event_floors (room, deleted_up_to) VALUES ${values}
    ON CONFLICT (room) DO UPDATE SET deleted_up_to = GREATEST(event_floors.deleted_up_to, EXCLUDED.deleted_up_to), updated_at = now()`;
}

/** Events older than the cutoff, oldest first by id (ids grow with time, so it stops at the first young batch). */
async function deleteOldEvents(cutoff: Date): Promise<number> {
  const prisma = getPrisma();
  let deleted = 0;
  for (;;) {
    const batch = await prisma.event.findMany({ orderBy: { id: "asc" }, take: BATCH, select: { id: true, room: true, createdAt: true } });
    const oldRows = batch.filter((e) => e.createdAt < cutoff);
    const old = oldRows.map((e) => e.id);
    if (old.length === 0) return deleted;
    const floors = new Map<string, bigint>();
    for (const e of oldRows) if (e.id > (floors.get(e.room) ?? 0n)) floors.set(e.room, e.id);
    await raiseFloors(floors);
    deleted += (await prisma.event.deleteMany({ where: { id: { in: old } } })).count;
    if (old.length < batch.length) return deleted;
    await pause();
  }
}

/** Rooms that received events since `afterId`, and the highest id seen. */
async function activeRooms(afterId: bigint): Promise<{ rooms: string[]; maxId: bigint }> {
  const rows = await getPrisma().$queryRaw<{ room: string; max_id: bigint }[]>`SELECT room, max(id) AS max_id FROM events WHERE id > ${afterId} GROUP BY room`;
  return { rooms: rows.map((r) => r.room), maxId: rows.reduce((m, r) => (BigInt(r.max_id) > m ? BigInt(r.max_id) : m), afterId) };
}

/** Keep the newest `keep` events of a room (found through the (room, id) index), deleting older ones in batches. */
async function capRoom(room: string, keep: number): Promise<number> {
  const prisma = getPrisma();
  const edge = await prisma.$queryRaw<{ id: bigint }[]>`SELECT id FROM events WHERE room = ${room} ORDER BY id DESC OFFSET ${keep} LIMIT 1`;
  if (!edge.length) return 0;
  const upTo = BigInt(edge[0]!.id);
  await raiseFloors(new Map([[room, upTo]]));
  let deleted = 0;
  for (;;) {
    const n = await prisma.$executeRaw`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE room = ${room} AND id <= ${upTo} ORDER BY id LIMIT ${BATCH})`;
    deleted += n;
    if (n < BATCH) return deleted;
    await pause();
  }
}

/** Idempotency keys past their window (their first result is no longer replayed). */
async function deleteExpiredKeys(cutoff: Date): Promise<number> {
  const prisma = getPrisma();
  let deleted = 0;
  for (;;) {
    const n = await prisma.$executeRaw`DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < ${cutoff} LIMIT ${BATCH})`;
    deleted += n;
    if (n < BATCH) return deleted;
    await pause();
  }
}

async function deleteOldDeliveries(cutoff: Date): Promise<number> {
  const prisma = getPrisma();
  let deleted = 0;
  for (;;) {
    const n = await prisma.$executeRaw`DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE received_at < ${cutoff} LIMIT ${BATCH})`;
    deleted += n;
    if (n < BATCH) return deleted;
    await pause();
  }
}

/** Audit entries older than AUDIT_RETENTION_DAYS. */
async function deleteOldAudit(cutoff: Date): Promise<number> {
  const prisma = getPrisma();
  let deleted = 0;
  for (;;) {
    const n = await prisma.$executeRaw`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE created_at < ${cutoff} ORDER BY id LIMIT ${BATCH})`;
    deleted += n;
    if (n < BATCH) return deleted;
    await pause();
  }
}

async function deleteOldNotifications(cutoff: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const n = await getPrisma().$executeRaw`DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE created_at < ${cutoff} ORDER BY id LIMIT ${BATCH})`;
    deleted += n;
    if (n < BATCH) return deleted;
    await pause();
  }
}

/** Invite and password-reset links expired (or used) more than a week ago: only their hashes, of no use now. */
async function deleteDeadLinks(cutoff: Date): Promise<number> {
  return getPrisma().$executeRaw`DELETE FROM account_links WHERE expires_at < ${cutoff} OR used_at < ${cutoff} OR revoked_at < ${cutoff}`;
}

/** Each user keeps their newest `keep` notifications (users past the cap found by one grouped count). */
async function capNotifications(keep: number): Promise<number> {
  const prisma = getPrisma();
  const over = await prisma.$queryRaw<{ user_id: string }[]>`SELECT user_id FROM notifications GROUP BY user_id HAVING count(*) > ${keep}`;
  let deleted = 0;
  for (const { user_id } of over) {
    deleted += await prisma.$executeRaw`DELETE FROM notifications WHERE user_id = ${user_id}::uuid AND id <= (SELECT id FROM notifications WHERE user_id = ${user_id}::uuid ORDER BY id DESC OFFSET ${keep} LIMIT 1)`;
    await pause();
  }
  return deleted;
}

/** With PostgreSQL: run fn only while holding the retention advisory lock on a connection of its own. */
async function exclusively(config: AppConfig, fn: () => Promise<RetentionResult>): Promise<RetentionResult | null> {
  if (!config.databaseUrl) return fn(); // PGlite: one process
  const client = new pg.Client(parsePgUrl(config.databaseUrl));
  client.on("error", () => {}); // a dropped connection releases the lock by itself
  await client.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [LOCK_KEY]);
    if (!rows[0]?.ok) return null; // another process runs it now
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** One retention pass; `lastRoomCheck` remembers up to which event id rooms were capped (per process). */
function createRetention(config: AppConfig) {
  const { days, perRoom } = config.retention;
  let checkedUpTo = 0n;
  return async function runOnce(): Promise<RetentionResult | null> {
    return exclusively(config, async () => {
      const result: RetentionResult = { eventsByAge: 0, eventsByRoomCap: 0, deliveriesByAge: 0, idempotencyKeys: 0, auditByAge: 0, accountLinks: 0, notificationsByAge: 0, notificationsByUserCap: 0 };
      result.idempotencyKeys = await deleteExpiredKeys(new Date(Date.now() - config.idempotencyWindowMs));
      if (config.retention.auditDays > 0) result.auditByAge = await deleteOldAudit(new Date(Date.now() - config.retention.auditDays * DAY_MS));
      result.accountLinks = await deleteDeadLinks(new Date(Date.now() - 7 * DAY_MS));
      if (days > 0) {
        const cutoff = new Date(Date.now() - days * DAY_MS);
        result.eventsByAge = await deleteOldEvents(cutoff);
        result.deliveriesByAge = await deleteOldDeliveries(cutoff);
        result.notificationsByAge = await deleteOldNotifications(cutoff);
      }
      result.notificationsByUserCap = await capNotifications(NOTIFICATIONS_PER_USER);
      if (perRoom > 0) {
        const { rooms, maxId } = await activeRooms(checkedUpTo);
        for (const room of rooms) result.eventsByRoomCap += await capRoom(room, perRoom);
        checkedUpTo = maxId;
      }
      const m = metrics().retentionDeleted;
      if (result.eventsByAge) m.inc({ table: "events", rule: "age" }, result.eventsByAge);
      if (result.eventsByRoomCap) m.inc({ table: "events", rule: "room_cap" }, result.eventsByRoomCap);
      if (result.deliveriesByAge) m.inc({ table: "webhook_deliveries", rule: "age" }, result.deliveriesByAge);
      if (result.idempotencyKeys) m.inc({ table: "idempotency_keys", rule: "age" }, result.idempotencyKeys);
      if (result.auditByAge) m.inc({ table: "audit_log", rule: "age" }, result.auditByAge);
      if (result.accountLinks) m.inc({ table: "account_links", rule: "age" }, result.accountLinks);
      if (result.notificationsByAge) m.inc({ table: "notifications", rule: "age" }, result.notificationsByAge);
      if (result.notificationsByUserCap) m.inc({ table: "notifications", rule: "user_cap" }, result.notificationsByUserCap);
      return result;
    });
  };
}

/**
 * Start the periodic retention job (a first pass right away, then every EVENT_RETENTION_INTERVAL_SECONDS).
 * Returns a stop function that clears the timer and waits for a pass in progress.
 */
export function startRetention(config: AppConfig): () => Promise<void> {
  const { intervalMs } = config.retention;
  // Always runs: expired idempotency keys go even when events are kept forever.
  const runOnce = createRetention(config);
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = runOnce()
      .then((r) => {
        const n = r ? r.eventsByAge + r.eventsByRoomCap + r.deliveriesByAge + r.idempotencyKeys + r.auditByAge + r.accountLinks + r.notificationsByAge + r.notificationsByUserCap : 0;
        if (r && n) logger().info({ retention: r }, `[retention] deleted ${r.eventsByAge} event(s) by age, ${r.eventsByRoomCap} over the per-room cap, ${r.deliveriesByAge} webhook delivery record(s), ${r.idempotencyKeys} expired idempotency key(s), ${r.auditByAge} audit entries, ${r.accountLinks} dead invite/reset link(s), ${r.notificationsByAge + r.notificationsByUserCap} notification(s)`);
      })
      .catch((e) => logger().error(errInfo((e as Error).message ?? e), "[retention] pass failed"))
      .finally(() => (running = null));
  };
  const stopTimer = every("retention", intervalMs, tick);
  const stopFirst = after("retention (first pass)", 0, tick);
  return async () => {
    stopped = true;
    stopTimer();
    stopFirst();
    await running;
  };
}
