// Serialise async work per key within this process (publishes per room, git operations per workspace).
// The maps are a part of the runtime (lib/runtime.ts): server.ts and the bundled route handlers share them.
import { part } from "./runtime";

export function keyedLock(name: string) {
  const all = part("locks", () => new Map<string, Map<string, Promise<unknown>>>());
  let locks = all.get(name);
  if (!locks) all.set(name, (locks = new Map()));
  const map = locks;
  function withLock<R>(key: string, fn: () => Promise<R>): Promise<R> {
    const prev = map.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    map.set(key, tail);
    void tail.then(() => map.get(key) === tail && map.delete(key));
    return run;
  }
  /** Whether some work holds (or waits for) this key now. */
  const held = (key: string) => map.has(key);
  return Object.assign(withLock, { held });
}
