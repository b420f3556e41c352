// Bounded overload: a publish (an agent:event, a mutating REST request) is admitted only while this process
// keeps up; otherwise it is refused at once with 503 OVERLOADED and a Retry-After, instead of queueing for
// seconds behind the others. "Keeps up" is judged on signals that are cheap to read per request:
// - depth: publishes admitted and not yet answered, at most PUBLISH_QUEUE_MAX;
// - latency: the slowest publish answered in the last tick (decaying while none are), at most
//   PUBLISH_MAX_WAIT_MS while WAIT_MIN_DEPTH or more are in flight (what an admitted one would wait);
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

const WAIT_MIN_DEPTH = 32;
const LAG_MIN_DEPTH = 16;
const TICK_MS = 100;
/** Weight of the newest tick in the completion-rate average (shown, not judged). */
const ALPHA = 0.2;

type State = { depth: number; completed: number; windowMax: number; latencyMs: number; rate: number; lagMs: number; last: number; started: boolean };

const state = () => part<State>("publish overload", () => ({ depth: 0, completed: 0, windowMax: 0, latencyMs: 0, rate: 0, lagMs: 0, last: 0, started: false }));

function start(s: State) {
  s.started = true;
  s.last = performance.now();
  every("publish overload monitor", TICK_MS, () => {
    const now = performance.now();
    const elapsed = now - s.last;
    s.last = now;
    // The timer's lateness is the event loop's lag; keep the worst of recent ticks, decaying.
    s.lagMs = Math.max(Math.max(0, elapsed - TICK_MS), s.lagMs * 0.5);
    s.latencyMs = s.completed ? s.windowMax : s.latencyMs * 0.5;
    s.windowMax = 0;
    s.rate = s.rate * (1 - ALPHA) + ((s.completed * 1000) / Math.max(elapsed, 1)) * ALPHA;
    s.completed = 0;
  });
}

export type OverloadSnapshot = { depth: number; limit: number; rate_per_s: number; wait_ms: number; lag_ms: number };

/** Publishes in flight, the bound, the answer rate, the recent slowest answer and the event-loop lag. */
export function overloadSnapshot(): OverloadSnapshot {
  const s = state();
  return { depth: s.depth, limit: getConfig().publish.queueMax, rate_per_s: Math.round(s.rate), wait_ms: Math.round(s.latencyMs), lag_ms: Math.round(s.lagMs) };
}

/** Why a new publish would be refused now, or null. */
function refusal(s: State): string | null {
  const c = getConfig().publish;
  if (s.depth >= c.queueMax) return `${s.depth} publishes are waiting (PUBLISH_QUEUE_MAX ${c.queueMax})`;
  if (s.depth >= WAIT_MIN_DEPTH && s.latencyMs > c.maxWaitMs) return `${s.depth} publishes are waiting, answers take ${Math.round(s.latencyMs)} ms`;
  if (s.depth >= LAG_MIN_DEPTH && s.lagMs > c.maxLagMs) return `the server's event loop is ${Math.round(s.lagMs)} ms behind`;
  return null;
}

function overloaded(reason: string, s: State) {
  const seconds = Math.max(1, Math.ceil(Math.max(s.latencyMs, s.lagMs) / 1000));
  return new AppError("OVERLOADED", 503, `The server is overloaded (${reason}); try again in ${seconds} s`, { retry_after_ms: seconds * 1000 }, { "Retry-After": String(seconds) });
}

/**
 * Admit one publish: returns the function to call once it is answered (success or failure; more calls are
 * ignored), or throws 503 OVERLOADED (counted as switchboard_rate_limit_refusals_total{kind="overload"}).
 */
export function admit(): () => void {
  const s = state();
  if (!s.started) start(s);
  const why = refusal(s);
  if (why) {
    metrics().rateLimited.inc({ kind: "overload" });
    throw overloaded(why, s);
  }
  const started = performance.now();
  s.depth++;
  metrics().publishQueue.inc();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    s.depth--;
    s.completed++;
    s.windowMax = Math.max(s.windowMax, performance.now() - started);
    metrics().publishQueue.dec();
  };
}

/** Run fn as one admitted publish. */
export async function admitted<R>(fn: () => Promise<R>): Promise<R> {
  const release = admit();
  try {
    return await fn();
  } finally {
    release();
  }
}

/** Set by server.ts on a request it admitted (any client-sent value is removed first). */
export const ADMITTED_HEADER = "x-switchboard-admitted";
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * server.ts, for every request as it arrives: admit a mutating /api/v1 call (released when its response
 * closes), or answer 503 OVERLOADED in the contract's shape with Retry-After and return false.
 */
export function admitHttp(req: IncomingMessage, res: ServerResponse): boolean {
  delete req.headers[ADMITTED_HEADER];
  if (!MUTATING.has(req.method ?? "") || !req.url?.startsWith("/api/v1/")) return true;
  let release: () => void;
  try {
    release = admit();
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    res.writeHead(e.status, { "content-type": "application/json", ...e.headers });
    res.end(JSON.stringify({ error: { code: e.code, message: e.message, details: e.details } }));
    return false;
  }
  res.once("close", release);
  req.headers[ADMITTED_HEADER] = "1";
  return true;
}
