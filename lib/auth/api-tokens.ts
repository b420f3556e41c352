// API tokens: personal (sb_pat_…) and agent (sb_agt_…) tokens. Only the SHA-256 of the 256-bit random
// secret is stored; the secret is shown once, at creation. A token may expire and may be scoped to projects.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { getPrisma } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import { projectRole, requireAction } from "./permissions";
import type { Caller } from "./caller";
import { disconnectRoom } from "../realtime/hub";
import { audit } from "../audit";
import type { ApiToken } from "../contract/users";
import { internalRooms } from "../contract/rooms";
import { cached, invalidate, patchCached } from "./lookup-cache";

export const TOKEN_PREFIX = { personal: "sb_pat_", agent: "sb_agt_" } as const;
export type TokenKind = keyof typeof TOKEN_PREFIX;

/** Internal room of every socket authenticated with a token (not a contract room: clients cannot join it). */
export const tokenRoom = internalRooms.token;

export const hashToken = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");
export const looksLikeApiToken = (s: string) => s.startsWith("sb_pat_") || s.startsWith("sb_agt_");

export const ZCreateToken = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(["personal", "agent"]),
    project_ids: z.array(z.string()).max(100).optional(),
    expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
    agent_id: z.string().nullable().optional(),
  })
  .strict();
export type TCreateToken = z.infer<typeof ZCreateToken>;

type TokenRow = {
  id: string;
  name: string;
  kind: string;
  prefix: string;
  projectIds: string[];
  agentId: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
};

export function serializeToken(t: TokenRow): ApiToken {
  const now = Date.now();
  return {
    id: t.id,
    name: t.name,
    kind: t.kind as TokenKind,
    prefix: t.prefix,
    project_ids: t.projectIds,
    agent_id: t.agentId,
    expires_at: t.expiresAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    revoked_at: t.revokedAt?.toISOString() ?? null,
    revoked: t.revokedAt !== null,
    expired: t.expiresAt !== null && t.expiresAt.getTime() <= now,
    created_at: t.createdAt.toISOString(),
  };
}

const invalid = (field: string, message: string) => new AppError("VALIDATION_FAILED", 400, message, [{ field, message }]);

/** Project ids the caller may put in a token's (or agent's) scope: each must be visible to the caller. */
export async function checkProjectScope(caller: Caller, ids: string[] | undefined, field = "project_ids"): Promise<string[]> {
  const unique = [...new Set((ids ?? []).map((s) => s.toLowerCase()))];
  for (const id of unique) {
    if (!isUuid(id) || !(await projectRole(caller, id))) throw invalid(field, `You are not a member of project ${id.slice(0, 40)}`);
  }
  // A scoped caller cannot widen its own scope.
  if (caller.scope && unique.length === 0) return [...caller.scope];
  return unique;
}

export async function createApiToken(caller: Caller, input: TCreateToken) {
  requireAction(caller, "token.manage"); // not with an agent token
  const prisma = getPrisma();
  let expiresAt: Date | null = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw invalid("expires_at", "expires_at must be in the future");
  if (caller.expiresAt && caller.credential === "api_token" && (!expiresAt || expiresAt > caller.expiresAt)) {
    expiresAt = caller.expiresAt; // a token never outlives the token that made it
  }
  let projectIds = await checkProjectScope(caller, input.project_ids);
  let agentId: string | null = null;
  if (input.agent_id) {
    if (input.kind !== "agent") throw invalid("agent_id", "agent_id is only for kind 'agent'");
    const agent = isUuid(input.agent_id) ? await prisma.agent.findUnique({ where: { id: input.agent_id } }) : null;
    if (!agent) throw invalid("agent_id", "No such agent");
    if (agent.createdBy !== caller.id && caller.role !== "admin") throw forbidden("Only the agent's creator or an admin can issue its tokens");
    agentId = agent.id;
    if (!input.project_ids?.length && agent.projectIds.length) projectIds = await checkProjectScope(caller, agent.projectIds);
  }
  const secret = TOKEN_PREFIX[input.kind] + randomBytes(32).toString("base64url");
  const row = await prisma.$transaction(async (tx) => {
    if (input.kind === "agent" && !agentId) {
      // An agent token without agent_id registers an agent named after the token, with the same scope.
      const agent = await tx.agent.create({ data: { name: input.name, kind: "custom", projectIds, createdBy: caller.id } });
      agentId = agent.id;
    }
    return tx.apiToken.create({
      data: {
        userId: caller.id,
        agentId,
        name: input.name,
        kind: input.kind,
        tokenHash: hashToken(secret),
        prefix: secret.slice(0, 11),
        projectIds,
        expiresAt,
      },
    });
  });
  await audit({
    action: "token.create",
    actor: { id: caller.id, email: caller.email },
    target: { type: "api_token", id: row.id },
    details: { name: row.name, kind: row.kind, prefix: row.prefix, project_ids: row.projectIds, agent_id: row.agentId, expires_at: row.expiresAt?.toISOString() ?? null, via_token: caller.tokenId ?? null },
  });
  return { ...serializeToken(row), token: secret };
}

/** Tokens listed at most (the newest). */
export const MAX_TOKENS_LISTED = 500;

/** A scoped caller sees and revokes only tokens confined to (a part of) its own scope, never wider ones. */
const withinCallerScope = (caller: Caller, row: { projectIds: string[] }) =>
  !caller.scope || (row.projectIds.length > 0 && row.projectIds.every((id) => caller.scope!.includes(id)));

export async function listApiTokens(caller: Caller) {
  requireAction(caller, "token.manage");
  const rows = await getPrisma().apiToken.findMany({ where: { userId: caller.id }, orderBy: { createdAt: "desc" }, take: MAX_TOKENS_LISTED });
  return rows.filter((r) => withinCallerScope(caller, r)).map(serializeToken);
}

/** Revoke: REST refuses it at once; its sockets on every process get AUTH_FAILED and are disconnected. */
export async function revokeApiToken(caller: Caller, id: string) {
  requireAction(caller, "token.manage");
  if (!isUuid(id)) throw notFound("Token");
  const prisma = getPrisma();
  const row = await prisma.apiToken.findUnique({ where: { id } });
  if (!row || row.userId !== caller.id || !withinCallerScope(caller, row)) throw notFound("Token");
  if (!row.revokedAt) {
    await prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit({ action: "token.revoke", actor: { id: caller.id, email: caller.email }, target: { type: "api_token", id }, details: { name: row.name, kind: row.kind, prefix: row.prefix } });
  }
  // Refused from now on by every process (their cached token rows are dropped before this answers).
  await invalidate({ kind: "token", tokenId: id });
  disconnectRoom(tokenRoom(id), "The token was revoked");
}

export type VerifiedApiToken = {
  userId: string;
  expiresAt: Date | null;
  tokenId: string;
  kind: TokenKind;
  agentId: string | null;
  projectIds: string[];
};

const TOUCH_EVERY_MS = 30_000;

type CachedToken = Pick<TokenRow, "id" | "kind" | "projectIds" | "agentId" | "expiresAt" | "lastUsedAt" | "revokedAt"> & { userId: string };

/**
 * The token behind a secret; null when unknown, revoked or expired. The row is cached per process by the
 * secret's hash (lib/auth/lookup-cache.ts); revoking a token, or deleting its agent, invalidates it on every
 * process before that answers.
 */
export async function verifyApiToken(secret: string): Promise<VerifiedApiToken | null> {
  if (!looksLikeApiToken(secret) || secret.length > 200) return null;
  const prisma = getPrisma();
  const hash = hashToken(secret);
  const row = await cached<CachedToken | null>("token", hash, () =>
    prisma.apiToken.findUnique({ where: { tokenHash: hash }, select: { id: true, userId: true, kind: true, projectIds: true, agentId: true, expiresAt: true, lastUsedAt: true, revokedAt: true } }),
  );
  if (!row || row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    const now = new Date();
    patchCached<CachedToken | null>("token", hash, (v) => (v ? { ...v, lastUsedAt: now } : v));
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => {});
  }
  return { userId: row.userId, expiresAt: row.expiresAt, tokenId: row.id, kind: row.kind as TokenKind, agentId: row.agentId, projectIds: row.projectIds };
}
