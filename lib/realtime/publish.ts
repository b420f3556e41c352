// publish(): persist the envelope to the event log, then emit it to its room on every namespace.
// The only place that emits log events. Publishes are written in groups (group commit, below): what
// arrives while the previous batch is being written goes into one multi-row INSERT, and each publish
// resolves (its caller acknowledges) only once its row is stored and emitted. Per-room serialisation keeps
// ids in order for subscribers: within a process a keyed lock, across processes (PostgreSQL + Redis) an
// advisory lock per room — taken once per batch — held from the insert until the emits have gone through
// the Redis stream (see lib/realtime/ordered-adapter.ts).
import { errInfo, logger } from "../logger";
import { part } from "../runtime";
import { getPool, getPrisma, sqlQuery, type Db } from "../db";
import { getConfig } from "../config";
import { getHub } from "./hub";
import type { AnyEnvelope, Envelope, EventData, EventType } from "./events";
import { metrics } from "../metrics";
import { keyedLock } from "../keyed-lock";
import { isRedactedType, redact } from "../redact";
import { AppError, isDatabaseUnavailable } from "../errors";
import type { PoolClient } from "pg";

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

/** The published / delivered counters' children per type (a label lookup per event is not free). */
const counters = () => part("publish counters", () => new Map<string, { published: Counter; delivered: Counter }>());
type Counter = { inc(n?: number): void };
function countersOf(type: string) {
  let c = counters().get(type);
  if (!c) {
    const m = metrics();
    c = { published: m.published.labels(type), delivered: m.delivered.labels(type) };
    counters().set(type, c);
  }
  return c;
}

/**
 * Emit an envelope to its room on every namespace; resolves once it is in the Redis stream and delivered here.
 * Without Redis (the in-memory adapter) a namespace with no socket in the room is skipped: its broadcast would
 * encode the packet for no one. With Redis every broadcast goes through the adapter (other processes' sockets).
 */
function emitEnvelope(env: Envelope): Promise<unknown> | undefined {
  const hub = getHub();
  if (!hub) return; // no realtime server (scripts): the event is still in the log
  let local = 0;
  let waits: unknown[] | undefined;
  for (const nsp of hub.namespaces) {
    const members = nsp.adapter.rooms.get(env.room)?.size ?? 0;
    if (!members && !hub.redis) continue;
    local += members;
    // What nsp.to(room).emit() does, but awaited: the adapter resolves after its XADD (and, with the
    // ordered adapter, after this process's reader has passed that entry and delivered it locally).
    const w = nsp.adapter.broadcast({ type: 2, data: [env.type, env], nsp: nsp.name }, { rooms: new Set([env.room]), except: new Set(), flags: {} }) as unknown;
    if (w) (waits ??= []).push(w);
  }
  if (local) hub.afterLocalEmit?.(env.room);
  const c = countersOf(env.type);
  c.published.inc();
  if (local) c.delivered.inc(local);
  return waits && Promise.all(waits);
}

/**
 * With several processes (PostgreSQL and Redis), run fn inside a transaction holding a PostgreSQL advisory
 * lock for the room: a publish on another process waits until this one's event is committed and in the
 * Redis stream, so the stream (and every subscriber) sees a room's ids in increasing order, and a replay
 * under this lock cannot miss an event that is inserted but not yet emitted. One process: no-op.
 */
export async function withClusterRoomLock<R>(room: string, fn: (db: Db) => Promise<R>): Promise<R> {
  return withClusterRoomLocks([room], fn);
}

/** withClusterRoomLock for several rooms at once: locked in sorted order (two processes cannot deadlock). */
async function withClusterRoomLocks<R>(sortedRooms: string[], fn: (db: Db) => Promise<R>): Promise<R> {
  const config = getConfig();
  if (!config.databaseUrl || !config.redisUrl) return fn(getPrisma());
  return getPrisma().$transaction(
    async (tx) => {
      for (const room of sortedRooms) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${"room:" + room}))`;
      return fn(tx as unknown as Db);
    },
    { maxWait: 10_000, timeout: TX_TIMEOUT_MS },
  );
}

const TX_TIMEOUT_MS = 20_000;

/** Runs one statement (text, values as text) and returns its rows: the pool's, PGlite's, or a transaction's connection. */
type Sql = <R>(text: string, values: unknown[]) => Promise<R[]>;

/**
 * The group commit's withClusterRoomLocks, on the driver: one process → each statement on its own (autocommit);
 * several (PostgreSQL and Redis) → one transaction on one pooled connection holding the rooms' advisory locks
 * (sorted) until fn is done, committed after it. Like Prisma's interactive transactions, it gives up after
 * TX_TIMEOUT_MS: the connection is closed (PostgreSQL rolls back and frees the locks) and the batch fails.
 */
async function withClusterRoomLocksSql<R>(sortedRooms: string[], fn: (sql: Sql) => Promise<R>): Promise<R> {
  const config = getConfig();
  if (!config.databaseUrl || !config.redisUrl) return fn(sqlQuery);
  const client: PoolClient = await getPool().connect();
  let released = false;
  const release = (e?: Error) => {
    if (released) return;
    released = true;
    client.release(e);
  };
  const timer = setTimeout(() => release(new Error(`publish transaction timed out after ${TX_TIMEOUT_MS} ms`)), TX_TIMEOUT_MS);
  try {
    await client.query("BEGIN");
    for (const room of sortedRooms) await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", ["room:" + room]);
    const r = await fn(async <T>(text: string, values: unknown[]) => (await client.query(text, values)).rows as T[]);
    await client.query("COMMIT");
    return r;
  } catch (e) {
    // A connection that cannot roll back is not given back to the pool.
    if (!released) await client.query("ROLLBACK").catch((e1: Error) => release(e1));
    throw e;
  } finally {
    clearTimeout(timer);
    release();
  }
}

/** withRoomLock for several rooms at once (sorted; only the one flusher below holds more than one). */
function withRoomLocks<R>(sortedRooms: string[], fn: () => Promise<R>): Promise<R> {
  return sortedRooms.reduceRight<() => Promise<R>>((inner, room) => () => withRoomLock(room, inner), fn)();
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
  const env = await enqueue(input);
  notify(env);
  return env;
}

/**
 * Publish several events at once (e.g. one agent event's copies for its project and workflow rooms): each
 * goes into its room's next group commit in the same tick; resolves once all are stored and emitted.
 * Rejects with the first failure (the others are still stored and emitted).
 */
export async function publishAll(inputs: PublishInput<EventType>[]): Promise<Envelope[]> {
  // The copies of one event share their data: masked and serialised once.
  const shared: Shared = new Map();
  const at = new Date().toISOString(); // the copies of one event share its timestamp
  const settled = await Promise.allSettled(inputs.map((i) => enqueue(i, shared, at)));
  const envs: Envelope[] = [];
  for (const r of settled) {
    if (r.status !== "fulfilled") continue;
    notify(r.value);
    envs.push(r.value);
  }
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return envs;
}

function notify(env: Envelope) {
  for (const l of listeners()) {
    try {
      l(env as unknown as AnyEnvelope); // Envelope<T> for the one T this publish had
    } catch (e) {
      logger().error({ ...errInfo(e), event_type: env.type }, "[realtime] publish listener failed");
    }
  }
}

// ---------------------------------------------------------------- group commit
//
// Publishes queue up in this process; one flusher at a time takes everything queued (up to
// PUBLISH_BATCH_MAX, whatever the rooms) and, under the locks of every room in it (this process's keyed
// locks, and with several processes the PostgreSQL advisory locks — once per batch, in sorted order), writes
// them with ONE multi-row INSERT … RETURNING id, emits them in order, and resolves each publish with its own
// envelope once the batch is committed. What arrives while a batch is being written waits for the next:
// under load the batches grow, idle a publish waits one tick (setImmediate). Both rooms' copies of an agent
// event go into the same statement. A room's events keep their order: the batch is in arrival order, and
// ids are drawn in that order.

type Pending = {
  input: PublishInput<EventType>;
  /** The data as sent (masked); as stored (job_log without its duplicated message), serialised once. */
  data: unknown;
  json: string;
  /** When it was published (created_at, the envelope's timestamp), ISO 8601. */
  at: string;
  started: number;
  resolve: (env: Envelope) => void;
  reject: (e: unknown) => void;
};

type Queue = { pending: Pending[]; flushing: boolean };
const queue = () => part<Queue>("publish queue", () => ({ pending: [], flushing: false }));

/** Inputs of one publishAll() that share their data object are masked and serialised once (per type and masking). */
type Shared = Map<unknown, { type: EventType; masked: boolean; data: unknown; json: string }>;

/**
 * What PostgreSQL's jsonb refuses: a NUL character or a lone surrogate (JSON.stringify escapes exactly
 * those as \u0000 / \ud800–\udfff; an escaped backslash followed by "u0000" is text and does not match).
 */
const JSON_UNSTORABLE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;
/** A batch stops growing past this much JSON (always at least one event): one statement stays modest. */
const BATCH_MAX_BYTES = 8 * 2 ** 20;

function enqueue<T extends EventType>(input: PublishInput<T>, shared?: Shared, at?: string): Promise<Envelope<T>> {
  return new Promise<Envelope<T>>((resolve, reject) => {
    let p: Pending;
    try {
      let prepared = shared?.get(input.data);
      if (!prepared || prepared.type !== input.type || prepared.masked !== !!input.masked) {
        // What agents and jobs report is masked before it is stored or sent (lib/redact.ts), once.
        const data = !input.masked && isRedactedType(input.type) ? redact(input.data) : input.data;
        prepared = { type: input.type, masked: !!input.masked, data, json: JSON.stringify(storeOnce(input.type, data)) };
        // Refused here, alone: in a batch it would fail the whole statement (and cost a row-by-row retry).
        if (JSON_UNSTORABLE.test(prepared.json)) {
          throw new AppError("VALIDATION_FAILED", 400, "The data contains a NUL character or an unpaired surrogate, which cannot be stored", [{ field: "data", message: "must not contain \\u0000 or unpaired surrogates" }]);
        }
        shared?.set(input.data, prepared);
      }
      p = {
        input: input as PublishInput<EventType>,
        data: prepared.data,
        json: prepared.json,
        at: at ?? new Date().toISOString(),
        started: performance.now(),
        resolve: resolve as (env: Envelope) => void,
        reject,
      };
    } catch (e) {
      return reject(e);
    }
    const q = queue();
    q.pending.push(p);
    if (!q.flushing) {
      q.flushing = true;
      setImmediate(() => void flush(q));
    }
  });
}

/** Wait (at most timeoutMs) until every publish queued in this process is stored (or failed): at shutdown, before the database closes. */
export async function drainPublishes(timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const q = queue();
  while ((q.pending.length || q.flushing) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

const roomsOf = (batch: Pending[]) => [...new Set(batch.map((p) => p.input.room))].sort();

async function flush(q: Queue): Promise<void> {
  const max = getConfig().publish.batchMax;
  try {
    while (q.pending.length) {
      const batch = nextBatch(q, max);
      const rooms = roomsOf(batch);
      try {
        // Resolved only here, after the lock's transaction (if any) committed: acknowledged once stored.
        settle(batch, await withRoomLocks(rooms, () => withClusterRoomLocksSql(rooms, (sql) => storeAndEmit(sql, batch))));
      } catch (e) {
        if (batch.length > 1 && e instanceof InsertFailed && !isDatabaseUnavailable(e.cause)) {
          // One bad row (e.g. a value PostgreSQL refuses) fails the whole statement, and nothing of it was
          // stored or sent: write them one by one, so each publish gets its own answer and none is lost or
          // blamed for another's.
          for (const p of batch) {
            try {
              settle([p], await withRoomLock(p.input.room, () => withClusterRoomLocksSql([p.input.room], (sql) => storeAndEmit(sql, [p]))));
            } catch (e1) {
              p.reject(e1 instanceof InsertFailed ? e1.cause : e1);
            }
          }
        } else {
          for (const p of batch) p.reject(e instanceof InsertFailed ? e.cause : e);
        }
      }
    }
  } finally {
    q.flushing = false;
  }
}

/**
 * The next batch, in queue order: at most `max` events and BATCH_MAX_BYTES of JSON (at least one). A room whose
 * lock is held elsewhere (a long replay of that room) is left for a later round — all of its events, so its order
 * is kept — as long as some other room's events can go now: one busy room does not stall every other.
 */
function nextBatch(q: Queue, max: number): Pending[] {
  const busy = new Set<string>();
  for (const p of q.pending) if (withRoomLock.held(p.input.room)) busy.add(p.input.room);
  const skip = busy.size > 0 && q.pending.some((p) => !busy.has(p.input.room)) ? busy : [];
  const batch: Pending[] = [];
  const rest: Pending[] = [];
  const behind = new Set<string>(skip);
  let bytes = 0;
  for (const p of q.pending) {
    const fits = batch.length < max && (batch.length === 0 || bytes + p.json.length <= BATCH_MAX_BYTES);
    // Once one event of a room is left behind, the room's later events stay behind too (order per room).
    if (fits && !behind.has(p.input.room)) {
      batch.push(p);
      bytes += p.json.length;
    } else {
      rest.push(p);
      behind.add(p.input.room);
    }
  }
  q.pending = rest;
  return batch;
}

/**
 * The batch's one statement: whatever its size the same text (parsed cheaply, plannable once), each column an
 * array parameter; rows inserted in array order (WITH ORDINALITY … ORDER BY), so ids are drawn in batch order.
 * created_at is timestamp(3) without time zone: the ISO text's "Z" is ignored, i.e. stored as UTC.
 */
const INSERT_BATCH = `INSERT INTO events (room, type, source, trace_id, data, created_at)
SELECT room, type, source, trace_id, data::jsonb, created_at::timestamp
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS t(room, type, source, trace_id, data, created_at, n)
ORDER BY n
RETURNING id`;

/**
 * The newest event id of each room, as this process stored and emitted it — kept only without Redis, where
 * this is the one process and every event of every room goes through here (in id order, under the room's
 * lock). A join's latest_id comes from it without a query (lib/realtime/handlers.ts). Bounded: past
 * LATEST_MAX rooms it starts again (rooms not in it are read from the database).
 */
const latestIds = () => part<Map<string, bigint>>("latest event ids", () => new Map());
const LATEST_MAX = 100_000;

/** The newest event id of a room when this process knows it for sure (no Redis, a room published to since start or read once). */
export function knownLatestId(room: string): bigint | undefined {
  return getConfig().redisUrl ? undefined : latestIds().get(room);
}

/** Remember a room's newest id read from the database (never lowers what an emit set). */
export function rememberLatestId(room: string, id: bigint | null): void {
  if (getConfig().redisUrl || id === null) return;
  const m = latestIds();
  const known = m.get(room);
  if (known === undefined || id > known) setLatest(m, room, id);
}

/** Rooms whose events were deleted (a project deleted): their latest ids are read again. */
export function forgetLatestIds(rooms: string[]): void {
  const m = latestIds();
  for (const r of rooms) m.delete(r);
}

function setLatest(m: Map<string, bigint>, room: string, id: bigint) {
  if (m.size >= LATEST_MAX && !m.has(room)) m.clear();
  m.set(room, id);
}

/** INSERT the batch (one statement), then emit each in order (under the rooms' locks). */
async function storeAndEmit(sql: Sql, batch: Pending[]): Promise<Envelope[]> {
  const n = batch.length;
  const cols: string[][] = [new Array(n), new Array(n), new Array(n), new Array(n), new Array(n), new Array(n)];
  const traceIds: (string | null)[] = cols[3]!;
  for (let i = 0; i < n; i++) {
    const p = batch[i]!;
    cols[0]![i] = p.input.room;
    cols[1]![i] = p.input.type;
    cols[2]![i] = p.input.source;
    traceIds[i] = p.input.traceId ?? null;
    cols[4]![i] = p.json;
    cols[5]![i] = p.at;
  }
  let rows: { id: string | number | bigint }[];
  try {
    rows = await sql<{ id: string }>(INSERT_BATCH, cols);
  } catch (e) {
    throw new InsertFailed(e);
  }
  if (rows.length !== n) throw new Error(`INSERT returned ${rows.length} ids for ${n} events`);
  // The ids come from one sequence, drawn row by row in batch order: sorted, they map to the batch in order.
  const ids = rows.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  metrics().publishBatchRows.observe(n);
  const envs: Envelope[] = new Array(n);
  let waits: unknown[] | undefined;
  const latest = getConfig().redisUrl ? null : latestIds();
  for (let i = 0; i < n; i++) {
    const p = batch[i]!;
    if (latest) setLatest(latest, p.input.room, ids[i]!); // before the emit: a join after it reads this id
    const env: Envelope = {
      id: ids[i]!.toString(),
      type: p.input.type,
      timestamp: p.at,
      source: p.input.source,
      room: p.input.room,
      trace_id: p.input.traceId ?? null,
      data: p.data as Envelope["data"],
    };
    envs[i] = env;
    // emitEnvelope starts each broadcast synchronously (the Redis XADDs go out in this order); awaited together.
    const w = emitEnvelope(env);
    if (w) (waits ??= []).push(w);
  }
  if (waits) await Promise.all(waits);
  return envs;
}

/** The batch's INSERT failed: nothing of it was stored or emitted. */
class InsertFailed extends Error {
  constructor(public cause: unknown) {
    super("insert failed");
  }
}

function settle(batch: Pending[], envs: Envelope[]) {
  const now = performance.now();
  const h = metrics().publishLatency;
  for (let i = 0; i < batch.length; i++) {
    h.observe((now - batch[i]!.started) / 1000);
    batch[i]!.resolve(envs[i]!);
  }
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
