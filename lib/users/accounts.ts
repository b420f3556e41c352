// Account administration (admins): list and create users, promote/demote, disable/enable, one-time invite
// and password-reset links; and each user's own profile (name, password with the current one).
// One-time links: a 256-bit random secret shown once; only its SHA-256 is stored (account_links). A link
// is used at most once (a conditional update), and refused once expired or revoked.
import { randomBytes } from "node:crypto";
import { hashToken } from "../auth/api-tokens";
import { z } from "zod";
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { AppError, notFound } from "../errors";
import { isUuid } from "../ids";
import { hashPassword, verifyPassword } from "../auth/password";
import { requireAction, requireAdmin } from "../auth/permissions";
import { disconnectRoom, endSessionSockets, getHub } from "../realtime/hub";
import { invalidate } from "../auth/lookup-cache";
import { errInfo, logger } from "../logger";
import { internalRooms } from "../contract/rooms";
import { guardSignIn, recordSignIn } from "../auth/signin-guard";
import { refuseCredential } from "../auth/refusals";
import { audit } from "../audit";
import { rooms } from "../realtime/events";
import { publish } from "../realtime/publish";
import type { Caller } from "../auth/identify";
import type { PublicUser } from "../auth/users";
import type { Prisma } from "../../generated/prisma/client";

const email = z.string().trim().toLowerCase().pipe(z.email({ message: "must be an email address" })).refine((s) => s.length <= 254, "is too long");
const password = z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters");
const name = z.string().trim().min(1, "is required").max(100, "must be at most 100 characters");

export const INVITE_PREFIX = "sb_inv_";
export const RESET_PREFIX = "sb_rst_";
const HOUR_MS = 3_600_000;

export const ZUsersQuery = z
  .object({
    q: z.string().trim().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(100),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();
export const ZCreateUser = z.object({ email, name, password, role: z.enum(["admin", "user"]).default("user") }).strict();
export const ZUpdateUser = z
  .object({ role: z.enum(["admin", "user"]).optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.disabled !== undefined, { message: "give role or disabled" });
export const ZCreateInvite = z
  .object({
    email: email.nullable().optional(),
    role: z.enum(["admin", "user"]).default("user"),
    expires_in_hours: z.number().int().min(1).max(24 * 30).optional(),
    /** Instead of hours, for short-lived links (at most 30 days). */
    expires_in_seconds: z.number().int().min(1).max(30 * 86_400).optional(),
  })
  .strict();
export const ZCreateReset = z
  .object({ expires_in_hours: z.number().int().min(1).max(24 * 7).optional(), expires_in_seconds: z.number().int().min(1).max(7 * 86_400).optional() })
  .strict();

/** A link's lifetime: seconds if given, else hours, else the default hours. */
const lifetimeMs = (i: { expires_in_hours?: number; expires_in_seconds?: number }, defaultHours: number) =>
  i.expires_in_seconds !== undefined ? i.expires_in_seconds * 1000 : (i.expires_in_hours ?? defaultHours) * HOUR_MS;
export const ZUseReset = z.object({ token: z.string().min(1).max(200), password }).strict();
export const ZUpdateProfile = z
  .object({ name: name.optional(), password: password.optional(), current_password: z.string().max(200).optional() })
  .strict()
  .refine((v) => v.name !== undefined || v.password !== undefined, { message: "give name or password" });

type UserRow = { id: string; email: string; name: string; role: "admin" | "user"; disabledAt: Date | null; createdAt: Date; _count?: { memberships: number } };
export const serializeUser = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabledAt !== null,
  disabled_at: u.disabledAt?.toISOString() ?? null,
  created_at: u.createdAt.toISOString(),
  ...(u._count ? { project_count: u._count.memberships } : {}),
});

/** Links are stored as the same SHA-256 hex as API tokens (only the hash is kept). */
const linkHash = hashToken;

/** Where links point: PUBLIC_URL, else the origin the admin's request came to. */
function baseUrl(origin: string): string {
  return getConfig().publicUrl ?? origin;
}

const actorOf = (c: PublicUser) => ({ id: c.id, email: c.email });

/* ---------- admins: users ---------- */

export async function listUsers(caller: Caller, q: z.infer<typeof ZUsersQuery>) {
  requireAdmin(caller);
  const where: Prisma.UserWhereInput = q.q
    ? { OR: [{ email: { contains: q.q.toLowerCase() } }, { name: { contains: q.q, mode: "insensitive" } }] }
    : {};
  const [rows, total] = await Promise.all([
    getPrisma().user.findMany({ where, orderBy: { createdAt: "asc" }, skip: q.offset, take: q.limit, include: { _count: { select: { memberships: true } } } }),
    getPrisma().user.count({ where }),
  ]);
  return { users: rows.map(serializeUser), total };
}

export async function createUser(caller: Caller, input: z.infer<typeof ZCreateUser>) {
  requireAdmin(caller);
  const passwordHash = await hashPassword(input.password);
  const prisma = getPrisma();
  if (await prisma.user.findUnique({ where: { email: input.email } })) throw new AppError("EMAIL_TAKEN", 409, "An account with this email already exists");
  const u = await prisma.user.create({ data: { email: input.email, name: input.name, passwordHash, role: input.role } }).catch((e) => {
    if ((e as { code?: string }).code === "P2002") throw new AppError("EMAIL_TAKEN", 409, "An account with this email already exists");
    throw e;
  });
  await audit({ action: "user.create", actor: actorOf(caller), target: { type: "user", id: u.id }, details: { email: u.email, role: u.role } });
  return serializeUser(u);
}

/** Serialised with registrations and other admin changes, so "at least one active admin" holds under races. */
const ADMIN_LOCK = 4242002;

export async function updateUser(caller: Caller, id: string, input: z.infer<typeof ZUpdateUser>) {
  requireAdmin(caller);
  if (!isUuid(id)) throw notFound("User");
  const prisma = getPrisma();
  const { before, after } = await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ADMIN_LOCK})`);
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw notFound("User");
    const losesAdmin = before.role === "admin" && before.disabledAt === null && (input.role === "user" || input.disabled === true);
    if (losesAdmin) {
      const others = await tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: id } } });
      if (others === 0) throw new AppError("LAST_ADMIN", 409, "The server needs at least one active admin; promote someone else first");
    }
    if (input.disabled === true && id === caller.id) throw new AppError("CANNOT_DISABLE_SELF", 409, "You cannot disable your own account");
    const data: Prisma.UserUpdateInput = {};
    if (input.role !== undefined && input.role !== before.role) data.role = input.role;
    if (input.disabled === true && !before.disabledAt) data.disabledAt = new Date();
    if (input.disabled === false && before.disabledAt) data.disabledAt = null;
    const after = Object.keys(data).length ? await tx.user.update({ where: { id }, data }) : before;
    return { before, after };
  });
  const target = { type: "user", id };
  // Every process reads the account again (disabled, role) before this answers: lib/auth/lookup-cache.ts.
  if (before !== after) await invalidate({ kind: "user", userId: id });
  if (before.role !== after.role) {
    await audit({ action: after.role === "admin" ? "user.promote" : "user.demote", actor: actorOf(caller), target, details: { email: after.email, from: before.role, to: after.role } });
  }
  if (!before.disabledAt && after.disabledAt) {
    // Their sockets, on every process (through the adapter): auth_error, then disconnected. Their REST
    // calls, tokens and session cookies are refused from now on (the cached account was invalidated above, on every process).
    disconnectRoom(internalRooms.account(id), "This account has been disabled");
    await audit({ action: "user.disable", actor: actorOf(caller), target, details: { email: after.email } });
  } else if (before.disabledAt && !after.disabledAt) {
    await audit({ action: "user.enable", actor: actorOf(caller), target, details: { email: after.email } });
  }
  if (before.role !== after.role && !after.disabledAt) {
    // A socket keeps the caller it authenticated as (role included): the user's sockets on every process are
    // disconnected (no auth_error: the credential is still good) and reconnect as the new role — a demoted
    // admin keeps no admin-only room or command. Clients resubscribe with `since`, so nothing is missed.
    reconnectSockets(internalRooms.account(id));
  }
  return serializeUser(after);
}

/**
 * After a password change or reset: the account's sockets that came with a session cookie or a Bearer JWT are
 * ended (auth_error, on every process), except the browser session `keepSessionId`. Their credentials are
 * already refused (the epoch moved on and the cached account was invalidated); this ends the live ones.
 */
async function endSessions(userId: string, keepSessionId: string | null) {
  await endSessionSockets(internalRooms.account(userId), keepSessionId, "The account's password has changed; sign in again").catch((e) =>
    logger().warn({ ...errInfo(e), user_id: userId }, "ending the account's live sockets after a password change failed; their credentials are refused from now on"),
  );
}

/** Disconnect every socket of an internal room on every process, without auth_error (they reconnect). */
function reconnectSockets(room: string) {
  const hub = getHub();
  if (!hub) return;
  for (const nsp of hub.namespaces) nsp.in(room).disconnectSockets(true);
}

/* ---------- one-time links ---------- */

type LinkRow = { id: string; kind: string; email: string | null; role: "admin" | "user"; projectId: string | null; projectRole: string | null; userId: string | null; createdBy: string | null; expiresAt: Date; usedAt: Date | null; usedBy: string | null; revokedAt: Date | null; createdAt: Date };

function linkStatus(l: LinkRow): "pending" | "used" | "expired" | "revoked" {
  if (l.usedAt) return "used";
  if (l.revokedAt) return "revoked";
  if (l.expiresAt.getTime() <= Date.now()) return "expired";
  return "pending";
}

export const serializeInvite = (l: LinkRow) => ({
  id: l.id,
  email: l.email,
  role: l.role,
  project_id: l.projectId,
  project_role: l.projectRole,
  status: linkStatus(l),
  expires_at: l.expiresAt.toISOString(),
  used_at: l.usedAt?.toISOString() ?? null,
  used_by: l.usedBy,
  created_by: l.createdBy,
  created_at: l.createdAt.toISOString(),
});

export async function createInvite(
  caller: Caller,
  input: z.infer<typeof ZCreateInvite> & { project_id?: string; project_role?: "owner" | "member" | "viewer" },
  origin: string,
) {
  requireAdmin(caller);
  const prisma = getPrisma();
  if (input.email && (await prisma.user.findUnique({ where: { email: input.email } }))) {
    throw new AppError("EMAIL_TAKEN", 409, "An account with this email already exists; add them directly");
  }
  const token = INVITE_PREFIX + randomBytes(32).toString("base64url");
  const row = await prisma.accountLink.create({
    data: {
      kind: "invite",
      tokenHash: linkHash(token),
      email: input.email ?? null,
      role: input.role,
      projectId: input.project_id ?? null,
      projectRole: input.project_role ?? null,
      createdBy: caller.id,
      expiresAt: new Date(Date.now() + lifetimeMs(input, 72)),
    },
  });
  await audit({
    action: "invite.create",
    actor: actorOf(caller),
    target: { type: "invite", id: row.id },
    projectId: row.projectId,
    details: { email: row.email, role: row.role, project_role: row.projectRole, expires_at: row.expiresAt.toISOString() },
  });
  const url = `${baseUrl(origin)}/signup?invite=${encodeURIComponent(token)}`;
  return { ...serializeInvite(row), url, token };
}

export const MAX_INVITES_LISTED = 500;

export async function listInvites(caller: Caller) {
  requireAdmin(caller);
  const rows = await getPrisma().accountLink.findMany({ where: { kind: "invite" }, orderBy: { createdAt: "desc" }, take: MAX_INVITES_LISTED });
  return rows.map(serializeInvite);
}

export async function revokeInvite(caller: Caller, id: string) {
  requireAdmin(caller);
  if (!isUuid(id)) throw notFound("Invite");
  const prisma = getPrisma();
  const row = await prisma.accountLink.findUnique({ where: { id } });
  if (!row || row.kind !== "invite") throw notFound("Invite");
  if (!row.revokedAt && !row.usedAt) {
    await prisma.accountLink.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit({ action: "invite.revoke", actor: actorOf(caller), target: { type: "invite", id }, details: { email: row.email } });
  }
}

/**
 * A refused one-time link. Thrown inside transactions; whoever catches it outside calls report() (the count,
 * the log line and the audit entry are written outside the transaction: PGlite has one connection).
 */
export class LinkRefusal extends AppError {
  constructor(
    public kind: "invite" | "reset",
    public why: "unknown" | "used" | "revoked" | "expired" | "email_mismatch",
    public linkId?: string,
  ) {
    const words = { unknown: "is not valid", used: "has been used already", revoked: "was revoked", expired: "has expired", email_mismatch: "is for another email address" };
    const what = kind === "invite" ? "This invite link" : "This password reset link";
    super(kind === "invite" ? "INVITE_INVALID" : "RESET_INVALID", 400, `${what} ${words[why]}; ask an admin for a new one`, { reason: why });
  }

  async report() {
    refuseCredential(this.kind === "invite" ? "invite_invalid" : "reset_invalid", this.kind === "invite" ? "invite" : "password_reset", { why: this.why });
    await audit({
      action: this.kind === "invite" ? "invite.refused" : "password_reset.refused",
      outcome: "failure",
      target: this.linkId ? { type: this.kind === "invite" ? "invite" : "password_reset", id: this.linkId } : null,
      details: { reason: this.why },
    });
  }
}

/** Run fn; a LinkRefusal it throws is reported (counted, logged, audited) and thrown on. */
export async function reportingRefusals<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof LinkRefusal) await e.report();
    throw e;
  }
}

/** What a link secret stands for (not yet consumed), or the refusal: unknown, used, revoked, expired. */
async function findLink(tx: Pick<Prisma.TransactionClient, "accountLink">, kind: "invite" | "reset", token: string) {
  const prefix = kind === "invite" ? INVITE_PREFIX : RESET_PREFIX;
  const row = token.startsWith(prefix) && token.length <= 200 ? await tx.accountLink.findUnique({ where: { tokenHash: linkHash(token) } }) : null;
  if (!row || row.kind !== kind) return { error: "unknown" as const };
  const status = linkStatus(row);
  if (status !== "pending") return { error: status, row };
  return { row };
}

/** Public: whether an invite can be used (the sign-up page shows its email), without consuming it. */
export async function peekInvite(token: string) {
  const r = await findLink(getPrisma(), "invite", token);
  if (!r.row || r.error) return { valid: false as const, reason: r.error ?? "unknown" };
  return { valid: true as const, email: r.row.email, expires_at: r.row.expiresAt.toISOString() };
}

/**
 * Inside registration's transaction: consume the invite for this email (one use: the conditional update
 * counts 1 only for the first), or throw INVITE_INVALID. Returns the role and project membership it grants.
 */
export async function consumeInvite(tx: Prisma.TransactionClient, token: string, forEmail: string) {
  const r = await findLink(tx, "invite", token);
  if (r.error) throw new LinkRefusal("invite", r.error, r.row?.id);
  const row = r.row!;
  if (row.email && row.email !== forEmail) throw new LinkRefusal("invite", "email_mismatch", row.id);
  const n = await tx.accountLink.updateMany({ where: { id: row.id, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date() } });
  if (n.count !== 1) throw new LinkRefusal("invite", "used", row.id);
  return row;
}

/** After registration with an invite: who used it, the project it adds them to, the audit entry. */
export async function afterInvite(link: { id: string; projectId: string | null; projectRole: string | null; createdBy: string | null }, user: PublicUser) {
  const prisma = getPrisma();
  await prisma.accountLink.update({ where: { id: link.id }, data: { usedBy: user.id } });
  await audit({ action: "invite.use", actor: actorOf(user), target: { type: "invite", id: link.id }, projectId: link.projectId, details: { invited_by: link.createdBy } });
  if (link.projectId && link.projectRole) {
    const project = await prisma.project.findUnique({ where: { id: link.projectId }, select: { id: true } });
    if (!project) return;
    const m = await prisma.membership.upsert({
      where: { projectId_userId: { projectId: link.projectId, userId: user.id } },
      create: { projectId: link.projectId, userId: user.id, role: link.projectRole as "owner" | "member" | "viewer" },
      update: {},
    });
    await invalidate({ kind: "membership", userId: user.id, projectId: m.projectId });
    const data = { project_id: m.projectId, user_id: user.id, email: user.email, name: user.name, role: m.role, created_at: m.createdAt.toISOString(), added_by: link.createdBy ?? user.id };
    await publish({ type: "member.added", room: rooms.project(m.projectId), source: "api", data });
    await audit({ action: "member.add", actor: link.createdBy ? { id: link.createdBy } : null, target: { type: "user", id: user.id }, projectId: m.projectId, details: { role: m.role, via: "invite" } });
  }
}

export async function createPasswordReset(caller: Caller, userId: string, input: z.infer<typeof ZCreateReset>, origin: string) {
  requireAdmin(caller);
  if (!isUuid(userId)) throw notFound("User");
  const prisma = getPrisma();
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw notFound("User");
  const token = RESET_PREFIX + randomBytes(32).toString("base64url");
  // One live link per account: older unused ones stop working.
  await prisma.accountLink.updateMany({ where: { kind: "reset", userId, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
  const row = await prisma.accountLink.create({
    data: { kind: "reset", tokenHash: linkHash(token), userId, email: user.email, createdBy: caller.id, expiresAt: new Date(Date.now() + lifetimeMs(input, 24)) },
  });
  await audit({ action: "password_reset.create", actor: actorOf(caller), target: { type: "user", id: userId }, details: { email: user.email, expires_at: row.expiresAt.toISOString() } });
  return { id: row.id, user_id: userId, url: `${baseUrl(origin)}/reset-password?token=${encodeURIComponent(token)}`, token, expires_at: row.expiresAt.toISOString() };
}

/** Public: set a new password with a reset link (once). */
export async function usePasswordReset(input: z.infer<typeof ZUseReset>) {
  const prisma = getPrisma();
  const passwordHash = await hashPassword(input.password);
  const userId = await reportingRefusals(() =>
    prisma.$transaction(async (tx) => {
      const r = await findLink(tx, "reset", input.token);
      if (r.error) throw new LinkRefusal("reset", r.error, r.row?.id);
      const row = r.row!;
      if (!row.userId) throw new LinkRefusal("reset", "unknown", row.id);
      const n = await tx.accountLink.updateMany({ where: { id: row.id, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date(), usedBy: row.userId } });
      if (n.count !== 1) throw new LinkRefusal("reset", "used", row.id);
      await tx.user.update({ where: { id: row.userId }, data: { passwordHash, sessionEpoch: { increment: 1 } } });
      return row.userId;
    }),
  );
  // A reset is how an account is taken back: every session and Bearer JWT of it ends, on every process.
  await invalidate({ kind: "user", userId });
  await endSessions(userId, null);
  await audit({ action: "password_reset.use", actor: { id: userId }, target: { type: "user", id: userId } });
}

/* ---------- one's own profile ---------- */

export async function updateProfile(caller: Caller, input: z.infer<typeof ZUpdateProfile>, ip: string) {
  requireAction(caller, "profile.update");
  const prisma = getPrisma();
  const row = await prisma.user.findUnique({ where: { id: caller.id } });
  if (!row) throw notFound("User");
  const data: Prisma.UserUpdateInput = {};
  if (input.password !== undefined) {
    if (!input.current_password) {
      throw new AppError("VALIDATION_FAILED", 400, "The current password is required to set a new one", [{ field: "current_password", message: "is required" }]);
    }
    // The same guessing limits as a sign-in (per address and per account).
    await guardSignIn(ip, row.email);
    const ok = await verifyPassword(input.current_password, row.passwordHash);
    if (!ok) {
      await recordSignIn(ip, row.email, false);
      refuseCredential("current_password_wrong", "profile");
      await audit({ action: "user.password_change_failed", outcome: "failure", actor: actorOf(caller), target: { type: "user", id: caller.id } });
      throw new AppError("CURRENT_PASSWORD_WRONG", 403, "The current password is wrong");
    }
    await recordSignIn(ip, row.email, true);
    data.passwordHash = await hashPassword(input.password);
    data.sessionEpoch = { increment: 1 };
  }
  if (input.name !== undefined && input.name !== row.name) data.name = input.name;
  const after = Object.keys(data).length ? await prisma.user.update({ where: { id: caller.id }, data }) : row;
  if (data.name || data.passwordHash) await invalidate({ kind: "user", userId: caller.id });
  if (data.passwordHash) {
    // Every other session and Bearer JWT of the account ends (API tokens stay); the browser session that made
    // the change stays, with a new cookie (app/api/v1/me/route.ts).
    await endSessions(caller.id, caller.credential === "cookie" ? (caller.sessionId ?? null) : null);
    await audit({ action: "user.password_change", actor: actorOf(caller), target: { type: "user", id: caller.id } });
  }
  if (data.name) await audit({ action: "user.profile_update", actor: actorOf(caller), target: { type: "user", id: caller.id }, details: { fields: ["name"] } });
  return { user: serializeUser(after), passwordChanged: !!data.passwordHash, sessionEpoch: after.sessionEpoch };
}
