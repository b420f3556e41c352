// Work after the response: one chain per session (its messages in order), and at most
// LLM_CONCURRENCY model calls at once across sessions. On globalThis: route handlers enqueue.
import { getConfig } from "../config";

type QueueState = { chains: Map<string, Promise<void>>; running: number; waiting: (() => void)[] };
const g = globalThis as unknown as { __switchboardVibeQueue?: QueueState };
const q: QueueState = (g.__switchboardVibeQueue ??= { chains: new Map(), running: 0, waiting: [] });

async function acquire() {
  if (q.running < getConfig().openai.concurrency) {
    q.running++;
    return;
  }
  await new Promise<void>((resolve) => q.waiting.push(resolve));
}

function release() {
  const next = q.waiting.shift();
  if (next) next();
  else q.running--;
}

/** Run job after every earlier job of the same session, within the global concurrency limit. */
export function enqueue(sessionId: string, job: () => Promise<void>): void {
  const prev = q.chains.get(sessionId) ?? Promise.resolve();
  const run = prev.then(async () => {
    await acquire();
    try {
      await job();
    } catch (e) {
      console.error("[vibecode] job failed", e);
    } finally {
      release();
    }
  });
  q.chains.set(sessionId, run);
  void run.then(() => q.chains.get(sessionId) === run && q.chains.delete(sessionId));
}
