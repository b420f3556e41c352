// Who may do what: ONE table (role × action) that every check goes through, documented in docs/PROTOCOL.md
// ("Permissions") and tested row by row (test/security/permissions.test.ts).
//
// A caller is a user (session cookie or Bearer JWT) or one of their API tokens:
// - a personal token acts as its user;
// - an agent token acts as its user for agent work only (presence, agent:event, reading, its workflows);
// - either token may be scoped to projects: it sees nothing outside them and acts on nothing outside them
//   (no new projects, no instance-wide admin work).
// Admins act as owners in every project (a scoped admin token only in its projects).
import { getPrisma } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import type { PublicUser } from "./users";
import { adminRoleKey, cached, roleKey } from "./lookup-cache";

import { ROLE_RANK as RANK, type ProjectRole } from "../contract/users";

export type { ProjectRole };

/** What an action needs: a role in the project, any signed-in user (`user`) or an instance admin (`admin`). */
export type Level = ProjectRole | "user" | "admin";

export type Rule = {
  /** The least role (in the project the action touches), or `user` / `admin` for actions outside projects. */
  level: Level;
  /** Agent tokens: `yes` (allowed, within the level), `only` (agent tokens and nothing else), `no`. */
  agent: "yes" | "no" | "only";
  /** Project-scoped tokens (actions outside projects): whether a scoped token may do it at all. */
  scoped: boolean;
  /** What the action covers (docs and the table test). */
  covers: string;
};

export const PERMISSIONS = {
  "project.read": { level: "viewer", agent: "yes", scoped: true, covers: "see a project and what is in it: workflows, test runs, sessions, PRs and issues, files, its agents, its events and rooms (project:, workflow:, job:)" },
  "member.read": { level: "viewer", agent: "no", scoped: true, covers: "list a project's members (names and emails)" },
  "member.leave": { level: "viewer", agent: "no", scoped: true, covers: "leave a project (remove oneself)" },
  "project.contribute": { level: "member", agent: "no", scoped: true, covers: "rename, describe, archive; vibecode sessions, prompts, apply/reject patches; start, cancel and report test runs; AI reviews" },
  "workflow.create": { level: "member", agent: "yes", scoped: true, covers: "start a workflow (an agent token's workflow is that agent's)" },
  "workflow.report": { level: "member", agent: "yes", scoped: true, covers: "progress, complete, fail a workflow (agent tokens: only their agent's workflows)" },
  "workflow.cancel": { level: "member", agent: "yes", scoped: true, covers: "cancel a pending or running workflow (agent tokens: only their agent's workflows)" },
  "agent.event": { level: "member", agent: "only", scoped: true, covers: "report agent:thought / tool_call / result / error on a workflow of the agent's projects" },
  "project.configure": { level: "owner", agent: "no", scoped: true, covers: "change repository_url, test_command (the command runs on the server) or monthly_token_budget" },
  "member.manage": { level: "owner", agent: "no", scoped: true, covers: "add members, change roles, remove others" },
  "webhook.manage": { level: "owner", agent: "no", scoped: true, covers: "see and rotate the project's webhook secret" },
  "project.delete": { level: "owner", agent: "no", scoped: true, covers: "delete the project with everything in it" },
  "agent.status": { level: "user", agent: "only", scoped: true, covers: "report the agent's own presence (agent:status, PUT /agents/{id}/status)" },
  "agent.read": { level: "user", agent: "yes", scoped: true, covers: "see agents: one's own and those of projects one can see (agent:<id> rooms likewise)" },
  "project.create": { level: "user", agent: "no", scoped: false, covers: "create a project (the creator becomes its owner)" },
  "token.manage": { level: "user", agent: "no", scoped: true, covers: "create, list and revoke one's API tokens (a scoped token only within its scope)" },
  "agent.manage": { level: "user", agent: "no", scoped: true, covers: "register and delete agents (a scoped token only within its scope)" },
  "profile.update": { level: "user", agent: "no", scoped: false, covers: "change one's own name and password (the current password required)" },
  "admin": { level: "admin", agent: "no", scoped: false, covers: "instance-wide: connection stats, metrics, webhook deliveries, linking projects to the instance webhook; users (list, create, promote/demote, disable), invites, password-reset links; the audit log" },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

/** The credential kinds the table distinguishes. */
export type CallerKind = "user" | "personal_token" | "agent_token";

/** Just what the checks read of a caller (a Caller from identify(), or a PublicUser). */
type Who = PublicUser & { tokenKind?: "personal" | "agent"; scope?: string[] | null; agentId?: string | null };

export function callerKind(c: Who): CallerKind {
  return c.tokenKind === "agent" ? "agent_token" : c.tokenKind === "personal" ? "personal_token" : "user";
}

export type Decision = { ok: true } | { ok: false; reason: string };

/**
 * The table itself, as a pure function: may a caller of this kind, with this effective role in the project
 * (null: none; ignored for `user`/`admin` actions), instance role, and scope, do this action?
 */
export function decide(
  action: Action,
  who: { kind: CallerKind; admin: boolean; scoped: boolean; role: ProjectRole | null },
): Decision {
  const rule: Rule = PERMISSIONS[action];
  if (rule.agent === "only" && who.kind !== "agent_token") return { ok: false, reason: "Only agents (with an agent token) can do this" };
  if (rule.agent === "no" && who.kind === "agent_token") return { ok: false, reason: "Agent tokens can only do agent work (presence, agent events, their workflows); use a personal token or sign in" };
  if (!rule.scoped && who.scoped) return { ok: false, reason: "A project-scoped token cannot do this; it acts only inside its projects" };
  if (rule.level === "admin") return who.admin ? { ok: true } : { ok: false, reason: "Only admins can do this" };
  if (rule.level === "user") return { ok: true };
  if (!who.role) return { ok: false, reason: "You are not a member of this project" };
  if (RANK[who.role] < RANK[rule.level]) {
    return { ok: false, reason: rule.level === "owner" ? "Only the project's owners can do this" : "Viewers cannot change this project" };
  }
  return { ok: true };
}

/** The caller's effective role in a project, or null when they cannot see it (or it does not exist). */
export async function projectRole(user: PublicUser, projectId: string): Promise<ProjectRole | null> {
  if (!isUuid(projectId)) return null;
  if (!inScope(user, projectId)) return null;
  const prisma = getPrisma();
  // Cached per process (lib/auth/lookup-cache.ts): membership changes and project deletion invalidate it everywhere.
  if (user.role === "admin") {
    return cached("role", adminRoleKey(projectId), async () => {
      const exists = await prisma.project.findUnique({ where: { id: projectId }, select: { id: true } });
      return exists ? ("owner" as const) : null;
    });
  }
  return cached("role", roleKey(user.id, projectId), async () => {
    const m = await prisma.membership.findUnique({ where: { projectId_userId: { projectId, userId: user.id } }, select: { role: true } });
    return (m?.role as ProjectRole | undefined) ?? null;
  });
}

/** A project-scoped API token sees only its projects, whatever its user's memberships. */
export function inScope(user: PublicUser, projectId: string): boolean {
  const scope = (user as Who).scope;
  return !scope || scope.includes(projectId.toLowerCase());
}

export async function canSeeProject(user: PublicUser, projectId: string): Promise<boolean> {
  return (await projectRole(user, projectId)) !== null;
}

/**
 * Who sees an agent (REST and its agent:<id> room): the agent itself, its creator (a scoped token only when
 * every project of the agent is in its scope), unscoped admins, and whoever can see one of its projects.
 */
export async function canSeeAgent(user: PublicUser, a: { id: string; createdBy: string | null; projectIds: string[] }): Promise<boolean> {
  if ((user as Who).agentId === a.id) return true;
  const scoped = !!(user as Who).scope;
  if (a.createdBy === user.id && (!scoped || a.projectIds.length > 0) && a.projectIds.every((p) => inScope(user, p))) return true;
  if (user.role === "admin" && !(user as Who).scope) return true;
  for (const p of a.projectIds) if (await canSeeProject(user, p)) return true;
  return false;
}

/** Older call sites name a least role; each stands for the action of that level in the table. */
const ACTION_OF_ROLE: Record<ProjectRole, Action> = { viewer: "project.read", member: "project.contribute", owner: "project.configure" };

/**
 * Require an action (or, for older call sites, a least role) in a project. A project the caller cannot
 * see answers 404 (its existence is not revealed); one they can see but may not act on answers 403.
 */
export async function requireProjectRole(user: PublicUser, projectId: string, what: ProjectRole | Action): Promise<ProjectRole> {
  const action: Action = what in RANK ? ACTION_OF_ROLE[what as ProjectRole] : (what as Action);
  const role = await projectRole(user, projectId);
  if (!role) throw notFound("Project");
  const d = decide(action, { kind: callerKind(user), admin: user.role === "admin", scoped: !!(user as Who).scope, role });
  if (!d.ok) throw forbidden(d.reason);
  return role;
}

/** Require an action outside any project (`user` or `admin` level): 403 when the table says no. */
export function requireAction(user: PublicUser, action: Action): void {
  const rule: Rule = PERMISSIONS[action];
  if (rule.level !== "user" && rule.level !== "admin") throw new Error(`${action} is a project action: use requireProjectRole`);
  const d = decide(action, { kind: callerKind(user), admin: user.role === "admin", scoped: !!(user as Who).scope, role: null });
  if (!d.ok) throw new AppError("FORBIDDEN", 403, d.reason);
}

export function requireAdmin(user: PublicUser): void {
  requireAction(user, "admin");
}

/**
 * For things that belong to a project (sessions, runs): require the action (or role), and answer 404 for
 * the thing (not the project) when the caller cannot see its project.
 */
export async function requireRoleForChild(user: PublicUser, projectId: string, what: ProjectRole | Action, thing: string): Promise<ProjectRole> {
  try {
    return await requireProjectRole(user, projectId, what);
  } catch (e) {
    if (e instanceof AppError && e.status === 404) throw notFound(thing);
    throw e;
  }
}
