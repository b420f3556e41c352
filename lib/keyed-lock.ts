// Serialise async work per key within this process (publishes per room, git operations per workspace).
// The maps live on globalThis: server.ts and the bundled route handlers must share them.
const g = globalThis as unknown as { __switchboardLocks?: Map<string, Map<string, Promise<unknown>>> };

export function keyedLock(name: string) {
  const all = (g.__switchboardLocks ??= new Map());
  let locks = all.get(name);
  if (!locks) all.set(name, (locks = new Map()));
  const map = locks;
  return function withLock<R>(key: string, fn: () => Promise<R>): Promise<R> {
    const prev = map.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    map.set(key, tail);
    void tail.then(() => map.get(key) === tail && map.delete(key));
    return run;
  };
}
