// Bounded overload: a publish (an agent:event, a mutating REST request) is admitted only while this process
// keeps up; otherwise it is refused at once with 503 OVERLOADED and a Retry-After, instead of queueing for
// seconds behind the others. "Keeps up" is judged on three signals, all cheap to read per request:
// - depth: publishes admitted and not yet answered, at most PUBLISH_QUEUE_MAX;
// - expected wait: depth ÷ the recent completion rate (Little's law), at most PUBLISH_MAX_WAIT_MS (never
//   below MIN_DEPTH in flight, so a burst after a quiet spell is not refused for want of a rate);
// - event-loop lag, at most PUBLISH_MAX_LAG_MS with LAG_MIN_DEPTH in flight (the process is CPU-bound:
//   whatever it admits waits).
// The state is a part of the runtime (server.ts and the bundled route handlers share it).
import { AppError } from "../errors";
import { getConfig } from "../config";
import { every, part } from "../runtime";
import { metrics } from "../metrics";

/** Below this many in flight, the expected-wait rule never refuses. */
const MIN_DEPTH = 64;
/** The lag rule needs this many in flight too: one GC pause or a busy neighbour alone refuses nothing. */
const LAG_MIN_DEPTH = 16;
const TICK_MS = 100;
/** Weight of the newest tick in the completion-rate average (≈ 1 s memory at 100 ms ticks). */
const ALPHA = 0.2;

type State = { depth: number; completed: number; rate: number; lagMs: number; last: number; started: boolean };

const state = () => part<State>("publish overload", () => ({ depth: 0, completed: 0, rate: 0, lagMs: 0, last: 0, started: false }));

function start(s: State) {
  s.started = true;
  s.last = performance.now();
  every("publish overload monitor", TICK_MS, () => {
    const now = performance.now();
    const elapsed = now - s.last;
    s.last = now;
    // The timer's lateness is the event loop's lag; keep the worst of recent ticks, decaying.
    const lag = Math.max(0, elapsed - TICK_MS);
    s.lagMs = Math.max(lag, s.lagMs * 0.5);
    s.rate = s.rate * (1 - ALPHA) + ((s.completed * 1000) / Math.max(elapsed, 1)) * ALPHA;
    s.completed = 0;
  });
}

export type OverloadSnapshot = { depth: number; limit: number; rate_per_s: number; lag_ms: number };

/** Publishes admitted and not yet answered, the current bound, the completion rate and the event-loop lag. */
export function overloadSnapshot(): OverloadSnapshot {
  const s = state();
  return { depth: s.depth, limit: currentLimit(s), rate_per_s: Math.round(s.rate), lag_ms: Math.round(s.lagMs) };
}

function currentLimit(s: State): number {
  const c = getConfig().publish;
  return Math.min(c.queueMax, Math.max(MIN_DEPTH, Math.floor((s.rate * c.maxWaitMs) / 1000)));
}

/** Why a new publish would be refused now, or null. */
function refusal(s: State): string | null {
  const c = getConfig().publish;
  if (s.depth >= c.queueMax) return `${s.depth} publishes are waiting (PUBLISH_QUEUE_MAX ${c.queueMax})`;
  if (s.lagMs > c.maxLagMs && s.depth >= LAG_MIN_DEPTH) return `the server's event loop is ${Math.round(s.lagMs)} ms behind`;
  if (s.depth >= currentLimit(s)) return `${s.depth} publishes are waiting, about ${Math.round((s.depth / Math.max(s.rate, 1)) * 1000)} ms of work`;
  return null;
}

export const overloaded = (reason: string, s: State = state()) => {
  const retryMs = Math.max(1000, Math.ceil(s.depth / Math.max(s.rate, 1)) * 1000);
  const seconds = Math.ceil(retryMs / 1000);
  return new AppError("OVERLOADED", 503, `The server is overloaded (${reason}); try again in ${seconds} s`, { retry_after_ms: retryMs }, { "Retry-After": String(seconds) });
};

/**
 * Admit one publish: returns the function to call once it is answered (success or failure, exactly once),
 * or throws 503 OVERLOADED (counted as switchboard_rate_limit_refusals_total{kind="overload"}).
 */
export function admit(): () => void {
  const s = state();
  if (!s.started) start(s);
  const why = refusal(s);
  if (why) {
    metrics().rateLimited.inc({ kind: "overload" });
    throw overloaded(why, s);
  }
  s.depth++;
  metrics().publishQueue.inc();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    s.depth--;
    s.completed++;
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
