// Idempotency keys: a mutating REST call (header Idempotency-Key, lib/api/handler.ts) or socket command
// (field idempotency_key, lib/realtime/handlers.ts) runs at most once per caller and key within
// IDEMPOTENCY_WINDOW_MS; a repeat gets the first result and publishes nothing. The keys live in the database
// (idempotency_keys, primary key (scope, key)), so a retry that lands on another process is recognised too.
//
//   - scope = the authenticated caller ("token:<api token id>" or "user:<user id>"): one caller can never
//     read another's stored result, and two callers may use the same key.
//   - the same key with a different request (method, path, body; or command and payload) → 422
//     IDEMPOTENCY_KEY_REUSED; a repeat while the first is still running waits up to WAIT_MS, then 409
//     IDEMPOTENCY_IN_PROGRESS (Retry-After: 1).
//   - results that say "try again" (5xx, 429, an INTERNAL or RATE_LIMITED ack) are not kept: the key is freed.
//   - a claim left by a process that died mid-request is taken over after STALE_MS (the effect may then
//     happen twice: docs/DELIVERY.md). Expired keys are deleted by the retention job (lib/retention.ts).
import { createHash } from "node:crypto";
import { Prisma } from "../generated/prisma/client";
import { getPrisma } from "./db";
import { getConfig } from "./config";
import { AppError } from "./errors";
import type { Caller } from "./auth/identify";

export { IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_RE, ZIdempotencyKey } from "./idempotency-key";

const WAIT_MS = 5_000;
const POLL_MS = 100;
const STALE_MS = 120_000;

/** What is stored and replayed: a status and a JSON-able result. */
export type StoredResult = { status: number; body: unknown };

export const callerScope = (c: Pick<Caller, "id" | "tokenId">) => (c.tokenId ? `token:${c.tokenId}` : `user:${c.id}`);

/** JSON with object keys sorted, so the same request hashes the same whatever the key order. */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(",")}}`;
}

export const requestHash = (...parts: string[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
};

export const keyReused = () =>
  new AppError("IDEMPOTENCY_KEY_REUSED", 422, "This Idempotency-Key was already used for a different request; use a new key for a new request");
export const keyInProgress = () =>
  new AppError("IDEMPOTENCY_IN_PROGRESS", 409, "A request with this Idempotency-Key is still being processed; retry shortly", undefined, { "Retry-After": "1" });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Run `fn` at most once for (scope, key) within the window. Returns its result (replayed: false) or the
 * stored first result of an earlier identical request (replayed: true). `keep` says whether a result is
 * final (stored) or a "try again" (the key is freed). If `fn` throws, the key is freed and the error rethrown.
 */
export async function runOnce(
  scope: string,
  key: string,
  hash: string,
  fn: () => Promise<StoredResult>,
  keep: (r: StoredResult) => boolean,
): Promise<{ result: StoredResult; replayed: boolean }> {
  const prisma = getPrisma();
  const windowMs = getConfig().idempotencyWindowMs;
  const deadline = Date.now() + WAIT_MS;
  let owner = false;
  for (;;) {
    const now = new Date();
    const claimed = await prisma.idempotencyKey.createMany({ data: [{ scope, key, requestHash: hash, createdAt: now }], skipDuplicates: true });
    if (claimed.count === 1) {
      owner = true;
      break;
    }
    const row = await prisma.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
    if (!row) continue; // freed meanwhile: claim again
    const age = now.getTime() - row.createdAt.getTime();
    if (age > windowMs || (row.status === null && age > STALE_MS)) {
      // Expired (not yet swept), or a claim whose process died: take it over (one taker wins).
      const took = await prisma.idempotencyKey.updateMany({
        where: { scope, key, createdAt: row.createdAt },
        data: { requestHash: hash, status: null, response: Prisma.DbNull, createdAt: now, completedAt: null },
      });
      if (took.count === 1) {
        owner = true;
        break;
      }
      continue;
    }
    if (row.requestHash !== hash) throw keyReused();
    if (row.status !== null) return { result: { status: row.status, body: (row.response as { body?: unknown } | null)?.body ?? null }, replayed: true };
    if (Date.now() >= deadline) throw keyInProgress();
    await sleep(POLL_MS);
  }
  if (!owner) throw new Error("unreachable");
  let result: StoredResult;
  try {
    result = await fn();
  } catch (e) {
    await prisma.idempotencyKey.deleteMany({ where: { scope, key, requestHash: hash, status: null } }).catch(() => {});
    throw e;
  }
  if (keep(result)) {
    await prisma.idempotencyKey.updateMany({
      where: { scope, key, requestHash: hash, status: null },
      data: { status: result.status, response: { body: result.body } as object, completedAt: new Date() },
    });
  } else {
    await prisma.idempotencyKey.deleteMany({ where: { scope, key, requestHash: hash, status: null } });
  }
  return { result, replayed: false };
}
