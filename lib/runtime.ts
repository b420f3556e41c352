// The process's one runtime object, kept under a single globalThis key: Next bundles route handlers apart
// from server.ts, so module-level singletons would not be shared. server.ts fills it at boot (configuration,
// database, hub, limiters, metrics, queues, runner: see lib/server/runtime.ts) and closes it on shutdown;
// each part is read through its own module's accessor (getConfig, getPrisma, getHub, ...), which creates
// it on first use where that makes sense (scripts and tests run without server.ts).
// This module knows none of the parts' types, so every part can import it without a cycle.

type Timer = { name: string; handle: NodeJS.Timeout; repeat: boolean };

type Closer = { name: string; close: (reason: string) => Promise<unknown> | unknown };

type RuntimeState = {
  parts: Map<string, unknown>;
  timers: Set<Timer>;
  closers: Closer[];
};

const g = globalThis as unknown as { __switchboard?: RuntimeState };
const state = (): RuntimeState => (g.__switchboard ??= { parts: new Map(), timers: new Set(), closers: [] });

/** A part of the runtime, created by `init` on first use. */
export function part<T>(name: string, init: () => T): T {
  const parts = state().parts;
  if (!parts.has(name)) parts.set(name, init());
  return parts.get(name) as T;
}

/** A part if it has been set, else undefined. */
export const peekPart = <T>(name: string): T | undefined => state().parts.get(name) as T | undefined;

export function setPart<T>(name: string, value: T | undefined): void {
  if (value === undefined) state().parts.delete(name);
  else state().parts.set(name, value);
}

/**
 * A background timer owned by the runtime (unref'd: it never keeps the process alive) and cleared by
 * stopTimers() at shutdown. Returns a function that clears it early.
 */
export function every(name: string, ms: number, fn: () => void): () => void {
  return add({ name, handle: setInterval(fn, ms), repeat: true });
}

/** A one-off background timer owned by the runtime (see every). */
export function after(name: string, ms: number, fn: () => void): () => void {
  const timers = state().timers;
  const t: Timer = { name, handle: setTimeout(() => (timers.delete(t), fn()), ms), repeat: false };
  return add(t);
}

function add(t: Timer) {
  t.handle.unref();
  state().timers.add(t);
  return () => {
    clearTimeout(t.handle);
    state().timers.delete(t);
  };
}

/** Clear every runtime timer. */
function stopTimers(): void {
  const timers = state().timers;
  for (const t of timers) clearTimeout(t.handle);
  timers.clear();
}

/** Something to close at shutdown; closers run in reverse order of registration (the last opened closes first). */
export function onClose(name: string, close: (reason: string) => Promise<unknown> | unknown): void {
  state().closers.push({ name, close });
}

/** Shutdown (reason: the signal): clear every timer, run the closers (an error is logged, the rest still run), forget every part. */
export async function closeRuntime(reason: string): Promise<void> {
  const s = state();
  stopTimers();
  for (const c of s.closers.splice(0).reverse()) {
    try {
      await c.close(reason);
    } catch (e) {
      // The logger is a part like any other (lib/logger.ts); this module imports none of them.
      const log = peekPart<{ error: (obj: object, msg: string) => void }>("logger");
      if (log) log.error({ err: { message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack } }, `[runtime] closing ${c.name} failed`);
      else console.error(`[runtime] closing ${c.name} failed`, e);
    }
  }
  s.parts.clear();
}
