// publish(): persist the envelope to the event log, then emit it to its room on every namespace.
// The only place that emits log events; per-room serialisation keeps ids in order for subscribers:
// within a process a keyed lock, across processes (PostgreSQL + Redis) an advisory lock per room held
// from the insert until the emit has gone through the Redis stream (see lib/realtime/ordered-adapter.ts).
import { errInfo, logger } from "../logger";
import { part } from "../runtime";
import { getPrisma, type Db } from "../db";
import { getConfig } from "../config";
import { getHub } from "./hub";
import type { AnyEnvelope, Envelope, EventData, EventType } from "./events";
import { metrics } from "../metrics";
import { keyedLock } from "../keyed-lock";
import { isRedactedType, redact } from "../redact";

export type PublishInput<T extends EventType> = {
  type: T;
  room: string;
  data: EventData<T>;
  source: string;
  traceId?: string | null;
  /**
   * The service masked `data` already (lib/redact.ts, once, before storing the row it came from), so
   * publish does not scan it again. Without it, types that carry what agents and jobs report
   * (isRedactedType) are masked here before the event is stored or sent.
   */
  masked?: boolean;
};

/** Run fn while no other publish (or replay) for this room runs in this process. */
export const withRoomLock = keyedLock("room");

type EventRow = { id: bigint; room: string; type: string; source: string; traceId: string | null; data: unknown; createdAt: Date };

export function toEnvelope(row: EventRow): Envelope {
  return {
    id: row.id.toString(),
    type: row.type as EventType,
    timestamp: row.createdAt.toISOString(),
    source: row.source,
    room: row.room,
    trace_id: row.traceId,
    data: (row.type === "job_log" ? withJobLogMessage(row.data) : row.data) as Envelope["data"],
  };
}

/**
 * job_log carries its lines twice on the wire (`message`, the seed's field, is `lines` joined by newlines):
 * the log stores them once — `message` is left out when it is exactly the joined lines and put back here.
 */
function storedJobLog(data: unknown): unknown {
  const d = data as { message?: unknown; lines?: unknown };
  if (Array.isArray(d?.lines) && typeof d.message === "string" && d.message === d.lines.join("\n")) {
    const { message: _message, ...rest } = d;
    return rest;
  }
  return data;
}

function withJobLogMessage(data: unknown): unknown {
  const d = data as { message?: unknown; lines?: unknown };
  if (d && typeof d === "object" && d.message === undefined && Array.isArray(d.lines)) {
    const { lines, ...rest } = d as { lines: unknown[] } & Record<string, unknown>;
    return { ...rest, message: lines.join("\n"), lines };
  }
  return data;
}

/** Emit an envelope to its room on every namespace; resolves once it is in the Redis stream and delivered here. */
async function emitEnvelope(env: Envelope): Promise<void> {
  const hub = getHub();
  if (!hub) return; // no realtime server (scripts): the event is still in the log
  let local = 0;
  const waits: unknown[] = [];
  for (const nsp of hub.namespaces) {
    const members = nsp.adapter.rooms.get(env.room);
    local += members?.size ?? 0;
    // What nsp.to(room).emit() does, but awaited: the adapter resolves after its XADD (and, with the
    // ordered adapter, after this process's reader has passed that entry and delivered it locally).
    waits.push(nsp.adapter.broadcast({ type: 2, data: [env.type, env], nsp: nsp.name }, { rooms: new Set([env.room]), except: new Set(), flags: {} }));
  }
  await Promise.all(waits);
  if (local) hub.afterLocalEmit?.(env.room);
  const m = metrics();
  m.published.inc({ type: env.type });
  if (local) m.delivered.inc({ type: env.type }, local);
}

/**
 * With several processes (PostgreSQL and Redis), run fn inside a transaction holding a PostgreSQL advisory
 * lock for the room: a publish on another process waits until this one's event is committed and in the
 * Redis stream, so the stream (and every subscriber) sees a room's ids in increasing order, and a replay
 * under this lock cannot miss an event that is inserted but not yet emitted. One process: no-op.
 */
export async function withClusterRoomLock<R>(room: string, fn: (db: Db) => Promise<R>): Promise<R> {
  const config = getConfig();
  if (!config.databaseUrl || !config.redisUrl) return fn(getPrisma());
  return getPrisma().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${"room:" + room}))`;
      return fn(tx as unknown as Db);
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
}

type PublishListener = (env: AnyEnvelope) => void;
/** On the runtime object: server.ts and the route handlers are bundled apart, and both publish. */
const listeners = () => part<Set<PublishListener>>("publish listeners", () => new Set());

/**
 * Tell `listener` of every event this process publishes, after the room's locks are released; it must not
 * block (server.ts wires the notification triggers here, so realtime knows no domain).
 */
export function onPublish(listener: PublishListener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export async function publish<T extends EventType>(input: PublishInput<T>): Promise<Envelope<T>> {
  const env = await publishLocked(input);
  for (const l of listeners()) {
    try {
      l(env as unknown as AnyEnvelope); // Envelope<T> for the one T this publish had
    } catch (e) {
      logger().error({ ...errInfo(e), event_type: env.type }, "[realtime] publish listener failed");
    }
  }
  return env;
}

async function publishLocked<T extends EventType>(input: PublishInput<T>): Promise<Envelope<T>> {
  const started = performance.now();
  return withRoomLock(input.room, () => withClusterRoomLock(input.room, async (db) => {
    const row = await db.event.create({
      data: {
        room: input.room,
        type: input.type,
        source: input.source,
        traceId: input.traceId ?? null,
        // What agents and jobs report is masked before it is stored or sent (lib/redact.ts), once.
        data: storeOnce(input.type, !input.masked && isRedactedType(input.type) ? redact(input.data) : input.data) as object,
      },
    });
    const env = toEnvelope(row) as Envelope<T>;
    await emitEnvelope(env);
    metrics().publishLatency.observe((performance.now() - started) / 1000);
    return env;
  }));
}

export const storeOnce = (type: EventType, data: unknown) => (type === "job_log" ? storedJobLog(data) : data);

/** Events of a room after an id, oldest first. */
export async function eventsAfter(room: string, after: bigint, limit: number, db: Db = getPrisma()): Promise<Envelope[]> {
  const rows = await db.event.findMany({
    where: { room, id: { gt: after } },
    orderBy: { id: "asc" },
    take: limit,
  });
  return rows.map(toEnvelope);
}

/** Make every socket of a room (on every process) leave another room: access was withdrawn. */
export function evictFromRoom(fromRoom: string, room: string): void {
  const hub = getHub();
  if (!hub) return;
  for (const nsp of hub.namespaces) nsp.in(fromRoom).socketsLeave(room);
}
