// Per-process caches of the lookups every REST call and socket makes: the account behind a user id, the API
// token behind a secret's hash, a caller's role in a project, a project's row. Without them a
// `PUT /projects/{id}` read the user, the membership twice and the project twice before its UPDATE.
//
// Correctness rests on invalidation, not on the TTL: every change that can withdraw access (a token revoked or
// deleted with its agent, an account disabled, demoted or renamed, a membership added, lowered or removed, a
// project updated or deleted) calls `invalidate()` after its write is committed. It drops the entry here and,
// with Redis (several processes), sends the same invalidation to every other process through the Socket.IO
// adapter (`serverSideEmitWithAck`) and waits for their acknowledgements (at most INVALIDATE_WAIT_MS), so that
// by the time the change's REST answer leaves, no process still accepts what it withdrew. A lookup that was
// already reading the database when an invalidation arrived does not store its (possibly older) answer: each
// cache has a generation counter bumped by every invalidation. The TTL is only a safety net (a process that
// missed an invalidation, e.g. during a Redis outage, is wrong for at most TTL_MS).
import { part } from "../runtime";
import { getHub } from "../realtime/hub";
import { errInfo, logger } from "../logger";

/** Safety net: an entry is read from the database again after this long whatever happened. */
export const TTL_MS = 10_000;
/** Entries per cache; beyond it the oldest are dropped (Map keeps insertion order). */
const MAX_ENTRIES = 20_000;
/** How long a change waits for the other processes to acknowledge its invalidation. */
const INVALIDATE_WAIT_MS = 3_000;
/** The server-side event between processes (not a client event: clients cannot send or receive it). */
export const INVALIDATE_EVENT = "sb:invalidate";

export type CacheName = "user" | "token" | "role" | "project";

type Entry<V> = { value: V; at: number };

class LookupCache<V> {
  private map = new Map<string, Entry<V>>();
  private generation = 0;
  hits = 0;
  misses = 0;

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const e = this.map.get(key);
    if (e && Date.now() - e.at < TTL_MS) {
      this.hits++;
      return e.value;
    }
    this.misses++;
    const gen = this.generation;
    const value = await load();
    // Store only when no invalidation happened while the database was being read (it may have read the old row).
    if (gen === this.generation) {
      if (this.map.size >= MAX_ENTRIES) this.map.delete(this.map.keys().next().value!);
      this.map.set(key, { value, at: Date.now() });
    }
    return value;
  }

  /** The generation now: bumped by every invalidation of this cache. */
  get gen() {
    return this.generation;
  }

  /** Store a value this process just wrote, unless an invalidation other than the write's own came in since `ticket`. */
  keep(key: string, value: V, ticket: number) {
    if (this.generation !== ticket) return false;
    if (this.map.size >= MAX_ENTRIES) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, { value, at: Date.now() });
    return true;
  }

  /** Update a cached value in place (this process's own write, e.g. a token's last use). */
  patch(key: string, fn: (v: V) => V) {
    const e = this.map.get(key);
    if (e) e.value = fn(e.value);
  }

  /** Drop the entries whose key matches (exact key, or a predicate over key and value). */
  drop(match: string | ((key: string, value: V) => boolean)) {
    this.generation++;
    if (typeof match === "string") this.map.delete(match);
    else for (const [k, e] of this.map) if (match(k, e.value)) this.map.delete(k);
  }

  clear() {
    this.generation++;
    this.map.clear();
  }

  get size() {
    return this.map.size;
  }
}

type Caches = { [C in CacheName]: LookupCache<unknown> };

const caches = (): Caches =>
  part<Caches>("lookup caches", () => ({ user: new LookupCache(), token: new LookupCache(), role: new LookupCache(), project: new LookupCache() }));

/** Cached lookup: `load` runs on a miss (or an entry older than TTL_MS). */
export function cached<V>(cache: CacheName, key: string, load: () => Promise<V>): Promise<V> {
  return (caches()[cache] as LookupCache<V>).get(key, load);
}

export function patchCached<V>(cache: CacheName, key: string, fn: (v: V) => V): void {
  (caches()[cache] as LookupCache<V>).patch(key, fn);
}

/** Taken before this process writes a cached row (see invalidateAndKeep). */
export const cacheTicket = (cache: CacheName): number => caches()[cache].gen;

/**
 * This process's own committed change of a cached row: `invalidate(inv)` (here and on every other process),
 * then keep `value` — the row as the write stored it (RETURNING) — in this process's cache, so the next
 * request here does not read it again. Kept only when no invalidation of that cache but this one's arrived
 * since `ticket` (cacheTicket() before the write): another write of it (here or elsewhere) may have raced
 * this one, and then the next lookup reads the database, as without it.
 */
export async function invalidateAndKeep<V>(inv: Invalidation, cache: CacheName, key: string, value: V, ticket: number): Promise<void> {
  const c = caches()[cache] as LookupCache<V>;
  invalidateLocal(inv);
  const own = c.gen;
  // The write's own local invalidation bumped the generation once from the ticket.
  if (own === ticket + 1) c.keep(key, value, own);
  await invalidateRemote([inv]);
}

/**
 * What changed. `user`: an account (id); `token`: an API token (its id, whatever secret hash it is cached by);
 * `membership`: a user's role in a project; `project`: a project's row, and for a deleted one every role in it.
 */
export type Invalidation =
  | { kind: "user"; userId: string }
  | { kind: "token"; tokenId: string }
  | { kind: "membership"; userId: string; projectId: string }
  | { kind: "project"; projectId: string; deleted?: boolean };

export const roleKey = (userId: string, projectId: string) => `${userId}|${projectId}`;
export const adminRoleKey = (projectId: string) => `admin|${projectId}`;

/** Drop what an invalidation names from this process's caches. */
type InvalidationListener = (inv: Invalidation) => void;
const listeners = () => part<Set<InvalidationListener>>("lookup invalidation listeners", () => new Set());

/** Tell another cache of grants (lib/agents/event-access.ts) of every invalidation, on every process. */
export function onInvalidate(listener: InvalidationListener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export function invalidateLocal(inv: Invalidation): void {
  const c = caches();
  for (const l of listeners()) {
    try {
      l(inv);
    } catch (e) {
      logger().error(errInfo(e), "[auth] invalidation listener failed");
    }
  }
  switch (inv.kind) {
    case "user":
      c.user.drop(inv.userId);
      // A token's cached row names its user: nothing in it changes with the account (disabled is read per user).
      return;
    case "token":
      c.token.drop((_k, v) => (v as { id?: string } | null)?.id === inv.tokenId);
      return;
    case "membership":
      c.role.drop(roleKey(inv.userId, inv.projectId));
      return;
    case "project":
      c.project.drop(inv.projectId);
      if (inv.deleted) c.role.drop((k) => k.endsWith(`|${inv.projectId}`));
      return;
  }
}

const isInvalidation = (v: unknown): v is Invalidation => {
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== "object") return false;
  const str = (x: unknown) => typeof x === "string" && x.length <= 100;
  switch (o.kind) {
    case "user":
      return str(o.userId);
    case "token":
      return str(o.tokenId);
    case "membership":
      return str(o.userId) && str(o.projectId);
    case "project":
      return str(o.projectId);
    default:
      return false;
  }
};

/** The receiving end, wired by lib/realtime/server.ts on the main namespace: other processes' invalidations. */
export function onRemoteInvalidation(list: unknown, ack?: unknown): void {
  if (Array.isArray(list)) for (const inv of list.slice(0, 1000)) if (isInvalidation(inv)) invalidateLocal(inv);
  if (typeof ack === "function") ack("ok");
}

/**
 * A change was committed: drop it here and on every other process (with Redis), and wait until they
 * acknowledged (bounded). Never throws: a process that does not answer keeps its entry for at most TTL_MS.
 */
export async function invalidate(...list: Invalidation[]): Promise<void> {
  for (const inv of list) invalidateLocal(inv);
  await invalidateRemote(list);
}

async function invalidateRemote(list: Invalidation[]): Promise<void> {
  const hub = getHub();
  if (!hub?.redis) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    const nsp = hub.io.of("/") as unknown as { serverSideEmitWithAck(ev: string, ...args: unknown[]): Promise<unknown[]> };
    await Promise.race([
      nsp.serverSideEmitWithAck(INVALIDATE_EVENT, list),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${INVALIDATE_WAIT_MS} ms`)), INVALIDATE_WAIT_MS);
      }),
    ]);
  } catch (e) {
    logger().warn({ ...errInfo(e), invalidations: list.length }, "[cache] another process did not acknowledge an invalidation in time; its entries expire within the TTL");
  } finally {
    clearTimeout(timer);
  }
}

/** Cache sizes and hit counts (tests, /api/metrics). */
export function cacheStats() {
  const c = caches();
  return Object.fromEntries((Object.keys(c) as CacheName[]).map((n) => [n, { size: c[n].size, hits: c[n].hits, misses: c[n].misses }]));
}

/** Forget everything (tests; a Redis reconnect, when invalidations may have been missed). */
export function clearCaches(): void {
  for (const c of Object.values(caches())) c.clear();
}
