// The audit log: security-relevant actions, one row each in audit_log (and one structured log line).
// Who (actor), what (action, outcome), to what (target, project), from where (ip), in which request
// (request_id, trace_id: from lib/log-context.ts). Details are small JSON objects the callers build from
// ids, names, roles and field names only: never passwords, tokens, invite or reset secrets.
// Rows older than AUDIT_RETENTION_DAYS are deleted by the retention job (lib/retention.ts).
import { z } from "zod";
import { getPrisma } from "./db";
import { log, errInfo } from "./logger";
import { logContext } from "./log-context";
import { requireAdmin } from "./auth/permissions";
import type { PublicUser } from "./auth/users";

/** Every action the audit log records (docs/PROTOCOL.md, "Audit log"). */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "token.create",
  "token.revoke",
  "member.add",
  "member.role_change",
  "member.remove",
  "project.delete",
  "project.configure",
  "user.create",
  "user.register",
  "user.promote",
  "user.demote",
  "user.disable",
  "user.enable",
  "user.profile_update",
  "user.password_change",
  "user.password_change_failed",
  "invite.create",
  "invite.revoke",
  "invite.use",
  "invite.refused",
  "password_reset.create",
  "password_reset.use",
  "password_reset.refused",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEntry = {
  action: AuditAction;
  outcome?: "success" | "failure";
  actor?: { id: string; email?: string } | null;
  /** For an unknown actor (a failed sign-in): the email tried, kept as given (lowercased, at most 254). */
  actorEmail?: string | null;
  target?: { type: string; id: string } | null;
  projectId?: string | null;
  details?: Record<string, unknown>;
};

const audit_ = log("audit");

/** Record an action. Never throws: a failed write is logged (the action itself already happened). */
export async function audit(e: AuditEntry): Promise<void> {
  const ctx = logContext() ?? {};
  const row = {
    action: e.action,
    outcome: e.outcome ?? "success",
    actorId: e.actor?.id ?? null,
    actorEmail: (e.actor?.email ?? e.actorEmail ?? null)?.slice(0, 254)?.toLowerCase() ?? null,
    targetType: e.target?.type ?? null,
    targetId: e.target?.id ?? null,
    projectId: e.projectId ?? null,
    ip: ctx.ip ?? null,
    requestId: ctx.request_id ?? null,
    traceId: ctx.trace_id ?? null,
    details: (e.details ?? {}) as object,
  };
  audit_.info({ audit: { action: row.action, outcome: row.outcome, actor_id: row.actorId, target_type: row.targetType, target_id: row.targetId, project_id: row.projectId, details: row.details } }, `audit ${row.action} ${row.outcome}`);
  try {
    await getPrisma().auditLog.create({ data: row });
  } catch (err) {
    audit_.error({ ...errInfo(err), action: row.action }, "could not write the audit log");
  }
}

export const ZAuditQuery = z
  .object({
    before: z.string().regex(/^\d{1,19}$/, "must be an audit entry id").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    action: z.enum(AUDIT_ACTIONS).optional(),
    actor_id: z.uuid().optional(),
    outcome: z.enum(["success", "failure"]).optional(),
  })
  .strict();

type Row = Awaited<ReturnType<ReturnType<typeof getPrisma>["auditLog"]["findMany"]>>[number];

export const serializeAudit = (r: Row) => ({
  id: r.id.toString(),
  action: r.action,
  outcome: r.outcome,
  actor_id: r.actorId,
  actor_email: r.actorEmail,
  target_type: r.targetType,
  target_id: r.targetId,
  project_id: r.projectId,
  ip: r.ip,
  request_id: r.requestId,
  trace_id: r.traceId,
  details: r.details,
  created_at: r.createdAt.toISOString(),
});

/** Admins: the newest entries first, paged with `before` (the last id of the previous page). */
export async function listAudit(caller: PublicUser, q: z.infer<typeof ZAuditQuery>) {
  requireAdmin(caller);
  const rows = await getPrisma().auditLog.findMany({
    where: {
      ...(q.before ? { id: { lt: BigInt(q.before) } } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.actor_id ? { actorId: q.actor_id } : {}),
      ...(q.outcome ? { outcome: q.outcome } : {}),
    },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return { entries: page.map(serializeAudit), next_before: rows.length > q.limit ? page.at(-1)!.id.toString() : null };
}
