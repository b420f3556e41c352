// Bounded overload: a publish (an agent:event, a mutating REST request) is admitted only while this process
// keeps up; otherwise it is refused at once with 503 OVERLOADED and a Retry-After, instead of queueing for
// seconds behind the others. "Keeps up" is judged on signals that are cheap to read per request:
// - depth: publishes admitted and not yet answered, at most PUBLISH_QUEUE_MAX, and at most
//   PUBLISH_MAX_WAIT_MS of work at the rate the process answers while backlogged (Little's law; never
//   below WAIT_MIN_DEPTH; no such bound until a backlog was measured);
// - latency: the slowest publish answered in the last tick (decaying while none are), at most
//   PUBLISH_MAX_WAIT_MS while WAIT_MIN_DEPTH or more are in flight (what an admitted one would wait);
// REST calls and agent events are two pools (their costs differ by two orders of magnitude).
// - event-loop lag, at most PUBLISH_MAX_LAG_MS while LAG_MIN_DEPTH or more are in flight (one GC pause or a
//   busy neighbour alone refuses nothing).
// REST calls are admitted by server.ts as they arrive (admitHttp), before Next does any work for them: the
// time a call waits inside Next counts, and a refusal costs almost nothing. The state is a part of the
// runtime (server.ts and the bundled route handlers share it).
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "../errors";
import { getConfig } from "../config";
import { every, part } from "../runtime";
import { metrics } from "../metrics";
import { logger } from "../logger";

const WAIT_MIN_DEPTH = 32;
const LAG_MIN_DEPTH = 16;
const TICK_MS = 100;
/** Weight of the newest tick in the completion-rate average. */
const ALPHA = 0.3;

/** REST calls and agent events cost very differently: each kind has its own pool (depth, rate, latency). */
export type PublishKind = "rest" | "socket";

type Pool = { depth: number; completed: number; windowMax: number; latencyMs: number; rate: number | null };
type State = { pools: Record<PublishKind, Pool>; lagMs: number; last: number; started: boolean };

const pool = (): Pool => ({ depth: 0, completed: 0, windowMax: 0, latencyMs: 0, rate: null });
const state = () => part<State>("publish overload", () => ({ pools: { rest: pool(), socket: pool() }, lagMs: 0, last: 0, started: false }));

function start(s: State) {
  s.started = true;
  s.last = performance.now();
  every("publish overload monitor", TICK_MS, () => {
    const now = performance.now();
    const elapsed = now - s.last;
    s.last = now;
    // The timer's lateness is the event loop's lag; keep the worst of recent ticks, decaying.
    s.lagMs = Math.max(Math.max(0, elapsed - TICK_MS), s.lagMs * 0.5);
    for (const p of Object.values(s.pools)) {
      p.latencyMs = p.completed ? p.windowMax : p.latencyMs * 0.5;
      p.windowMax = 0;
      // The rate is what the process answers while it has a backlog (its capacity), kept while idle — and
      // kept while nothing completes: requests that stall (a client trickling its body) say nothing about
      // capacity, and a rate of 0 would shrink the bound to the floor and refuse everyone else.
      if (p.depth >= WAIT_MIN_DEPTH / 2 && p.completed > 0) {
        const r = (p.completed * 1000) / Math.max(elapsed, 1);
        p.rate = p.rate === null ? r : p.rate * (1 - ALPHA) + r * ALPHA;
      }
      p.completed = 0;
    }
    logSummary(now);
  });
}

/** In flight at most: PUBLISH_MAX_WAIT_MS of work at the measured rate (Little's law), never below WAIT_MIN_DEPTH. */
function limitOf(p: Pool): number {
  const c = getConfig().publish;
  if (p.rate === null) return c.queueMax;
  return Math.min(c.queueMax, Math.max(WAIT_MIN_DEPTH, Math.floor((p.rate * c.maxWaitMs) / 1000)));
}

export type OverloadSnapshot = { depth: number; limit: number; rate_per_s: number; wait_ms: number; lag_ms: number };

/** Both kinds together: publishes in flight, their bound, the backlogged answer rate, the recent slowest answer, the event-loop lag. */
export function overloadSnapshot(): OverloadSnapshot {
  const s = state();
  const ps = Object.values(s.pools);
  return {
    depth: ps.reduce((a, p) => a + p.depth, 0),
    limit: ps.reduce((a, p) => a + limitOf(p), 0),
    rate_per_s: Math.round(ps.reduce((a, p) => a + (p.rate ?? 0), 0)),
    wait_ms: Math.round(Math.max(...ps.map((p) => p.latencyMs))),
    lag_ms: Math.round(s.lagMs),
  };
}

/** Why a new publish would be refused now, or null. */
function refusal(s: State, p: Pool): string | null {
  const c = getConfig().publish;
  if (p.depth >= c.queueMax) return `${p.depth} publishes are waiting (PUBLISH_QUEUE_MAX ${c.queueMax})`;
  const limit = limitOf(p);
  if (p.depth >= limit) return `${p.depth} publishes are waiting, about ${Math.round((p.depth / Math.max(p.rate ?? 1, 1)) * 1000)} ms of work`;
  if (p.depth >= WAIT_MIN_DEPTH && p.latencyMs > c.maxWaitMs) return `${p.depth} publishes are waiting, answers take ${Math.round(p.latencyMs)} ms`;
  if (p.depth >= LAG_MIN_DEPTH && s.lagMs > c.maxLagMs) return `the server's event loop is ${Math.round(s.lagMs)} ms behind`;
  return null;
}

function retrySeconds(s: State, p: Pool) {
  return Math.max(1, Math.ceil(Math.max(p.latencyMs, s.lagMs) / 1000));
}

const overloadMessage = (reason: string, seconds: number) => `The server is overloaded (${reason}); try again in ${seconds} s`;

function overloaded(reason: string, s: State, p: Pool) {
  const seconds = retrySeconds(s, p);
  // Refusals come by the thousand per second under overload: no stack trace (the costliest part of an Error).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new AppError("OVERLOADED", 503, overloadMessage(reason, seconds), { retry_after_ms: seconds * 1000 }, { "Retry-After": String(seconds) });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Refusals are logged as a summary, not a line each (thousands per second under overload): the first
 * refusal after a quiet SUMMARY_MS at once, then what was refused every SUMMARY_MS while it goes on.
 */
const SUMMARY_MS = 10_000;
type Summary = { rest: number; socket: number; perClient: number; since: number; reason: string };
const summary = () => part<Summary>("publish overload summary", () => ({ rest: 0, socket: 0, perClient: 0, since: -Infinity, reason: "" }));

function counted(kind: PublishKind | "perClient", reason: string) {
  metrics().rateLimited.inc({ kind: "overload" });
  const m = summary();
  m[kind]++;
  m.reason = reason;
  logSummary(performance.now());
}

function logSummary(now: number) {
  const m = summary();
  const total = m.rest + m.socket + m.perClient;
  if (!total || now - m.since < SUMMARY_MS) return;
  const seconds = now - m.since < 2 * SUMMARY_MS ? Math.round((now - m.since) / 1000) : 0;
  logger().warn(
    { refused: { rest: m.rest, socket: m.socket, per_client: m.perClient }, overload: overloadSnapshot() },
    `[overload] refused ${total} publish${total === 1 ? "" : "es"}${seconds ? ` in the last ${seconds} s` : ""} (latest: ${m.reason}); while it lasts, one summary every ${SUMMARY_MS / 1000} s`,
  );
  m.rest = m.socket = m.perClient = 0;
  m.since = now;
}

/**
 * Admit one publish of this kind: returns the function to call once it is answered (success or failure;
 * more calls are ignored), or throws 503 OVERLOADED (counted as switchboard_rate_limit_refusals_total{kind="overload"}).
 */
export function admit(kind: PublishKind): () => void {
  const s = state();
  if (!s.started) start(s);
  const p = s.pools[kind];
  const why = refusal(s, p);
  if (why) {
    counted(kind, why);
    throw overloaded(why, s, p);
  }
  return enter(p);
}

/** Count one admitted publish in its pool; the returned function releases it (once). */
function enter(p: Pool): () => void {
  const started = performance.now();
  p.depth++;
  metrics().publishQueue.inc();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    p.depth--;
    p.completed++;
    p.windowMax = Math.max(p.windowMax, performance.now() - started);
    metrics().publishQueue.dec();
  };
}

/**
 * Would a publish of this kind be refused now? The error, or null — without admitting anything. The
 * socket dispatcher asks before claiming an idempotency key (two writes) for a command that would be refused.
 */
export function overloadRefusal(kind: PublishKind): AppError | null {
  const s = state();
  if (!s.started) return null;
  const p = s.pools[kind];
  const why = refusal(s, p);
  if (!why) return null;
  counted(kind, why);
  return overloaded(why, s, p);
}

/** Run fn as one admitted publish. */
export async function admitted<R>(kind: PublishKind, fn: () => Promise<R>): Promise<R> {
  const release = admit(kind);
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * REST calls in flight per client address (x-switchboard-client-ip, set by normalizeForwarded): one client
 * cannot hold the pool (e.g. 32 uploads trickling their bodies) and get everyone else refused.
 */
const perClient = () => part<Map<string, number>>("publish overload per client", () => new Map());

/** Set by server.ts on a request it admitted (any client-sent value is removed first). */
export const ADMITTED_HEADER = "x-switchboard-admitted";
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * server.ts, for every request as it arrives, before any other work on it (request log, route): admit a
 * mutating /api/v1 call (released when its response closes), or answer 503 OVERLOADED (429 RATE_LIMITED past
 * PUBLISH_MAX_PER_CLIENT) in the contract's shape with Retry-After and return false. A refusal is cheap by
 * design (no Error, no log line, no request logger): under overload, most requests are refusals, and what
 * they cost is taken from the admitted ones. `beforeRefusal` adds the headers every answer carries.
 */
export function admitHttp(req: IncomingMessage, res: ServerResponse, beforeRefusal?: () => void): boolean {
  delete req.headers[ADMITTED_HEADER];
  if (!MUTATING.has(req.method ?? "") || !req.url?.startsWith("/api/v1/")) return true;
  const client = String(req.headers["x-switchboard-client-ip"] ?? req.socket.remoteAddress ?? "unknown");
  const clients = perClient();
  const mine = clients.get(client) ?? 0;
  const cap = getConfig().publish.maxPerClient;
  const s = state();
  if (!s.started) start(s);
  const p = s.pools.rest;
  if (mine >= cap) {
    counted("perClient", `one client had ${mine} changes in flight`);
    refuseHttp(res, 429, "RATE_LIMITED", `This client already has ${mine} changes in flight (PUBLISH_MAX_PER_CLIENT ${cap}); wait for their answers`, 1, beforeRefusal);
    return false;
  }
  const why = refusal(s, p);
  if (why) {
    counted("rest", why);
    const seconds = retrySeconds(s, p);
    refuseHttp(res, 503, "OVERLOADED", overloadMessage(why, seconds), seconds, beforeRefusal);
    return false;
  }
  const release = enter(p);
  clients.set(client, mine + 1);
  res.once("close", () => {
    release();
    const n = (clients.get(client) ?? 1) - 1;
    if (n > 0) clients.set(client, n);
    else clients.delete(client);
  });
  req.headers[ADMITTED_HEADER] = "1";
  return true;
}

function refuseHttp(res: ServerResponse, status: number, code: string, message: string, seconds: number, beforeRefusal?: () => void) {
  beforeRefusal?.();
  const body = JSON.stringify({ error: { code, message, details: { retry_after_ms: seconds * 1000 } } });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "retry-after": String(seconds) });
  res.end(body);
}
