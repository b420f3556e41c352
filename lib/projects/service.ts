// Projects and their members. Every change publishes its event.
import { errInfo, logger } from "../logger";
import { getPrisma } from "../db";
import { Prisma } from "../../generated/prisma/client";
import { AppError, notFound } from "../errors";
import { isUuid } from "../ids";
import { publish, publishAll, eventsAfter, evictFromRoom, forgetLatestIds } from "../realtime/publish";
import { evictRooms, revalidateUserRooms } from "../realtime/rooms";
import { gapAfter } from "../realtime/gaps";
import { rooms, type TMember, type TProject, type Envelope } from "../realtime/events";
import { requireAction, requireProjectRole, projectRole, inScope, type ProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { cacheTicket, cached, invalidate, invalidateAndKeep } from "../auth/lookup-cache";
import { checkRepositoryUrl, maskRepositoryUrl } from "./repository-url";
import { fitBytes } from "../api/bounds";
import { audit } from "../audit";
import { getConfig } from "../config";
import { createInvite } from "../users/accounts";
import type { Caller } from "../auth/identify";
import type { TAddMember, TCreateProject, TUpdateProject } from "./schemas";
import { rm } from "node:fs/promises";
import { ensureWorkspace, sessionsDir, workspaceDir, withWorkspaceLock } from "../workspaces/service";
import { logPath } from "../test-runs/runner";
import { stopProjectRuns } from "../test-runs/service";
import { projectActivity } from "../feed/status";
import type { ProjectActivity } from "../feed/kinds";

const SOURCE = "project_service";
const RANK_OF: Record<ProjectRole, number> = { viewer: 1, member: 2, owner: 3 };

type ProjectRow = {
  id: string;
  name: string;
  description: string;
  repositoryUrl: string | null;
  testCommand: string | null;
  status: "active" | "archived";
  monthlyTokenBudget?: bigint | null;
  createdAt: Date;
  updatedAt: Date;
};

export function serializeProject(p: ProjectRow): TProject {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    repository_url: maskRepositoryUrl(p.repositoryUrl), // credentials in it are never shown
    test_command: p.testCommand,
    status: p.status,
    monthly_token_budget: p.monthlyTokenBudget === null || p.monthlyTokenBudget === undefined ? null : Number(p.monthlyTokenBudget),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export type ProjectView = TProject & { role: ProjectRole };

/** Projects listed at most (the newest): rows are small (name, description ≤ 5,000 characters), so this also bounds bytes. */
export const MAX_PROJECTS = 500;

/** The caller's projects, newest first, each with its live status (`activity`, lib/feed/status.ts). */
export async function listProjects(user: PublicUser): Promise<(ProjectView & { activity: ProjectActivity })[]> {
  const list = (await listAllProjects(user)).filter((p) => inScope(user, p.id)).slice(0, MAX_PROJECTS);
  const activity = await projectActivity(list.map((p) => p.id));
  return list.map((p) => ({ ...p, activity: activity.get(p.id)! }));
}

async function listAllProjects(user: PublicUser): Promise<ProjectView[]> {
  const prisma = getPrisma();
  if (user.role === "admin") {
    const [all, mine] = await Promise.all([
      prisma.project.findMany({ orderBy: { createdAt: "desc" }, take: MAX_PROJECTS * 2 }),
      prisma.membership.findMany({ where: { userId: user.id } }),
    ]);
    const roles = new Map(mine.map((m) => [m.projectId, m.role as ProjectRole]));
    return all.map((p) => ({ ...serializeProject(p), role: roles.get(p.id) ?? "owner" }));
  }
  const ms = await prisma.membership.findMany({
    where: { userId: user.id },
    include: { project: true },
    orderBy: { project: { createdAt: "desc" } },
    take: MAX_PROJECTS * 2,
  });
  return ms.map((m) => ({ ...serializeProject(m.project), role: m.role as ProjectRole }));
}

export async function createProject(user: PublicUser, input: TCreateProject): Promise<ProjectView> {
  requireAction(user, "project.create"); // not with an agent token, nor a project-scoped one
  const repositoryUrl = await checkRepositoryUrl(input.repository_url);
  const project = await getPrisma().project.create({
    data: {
      name: input.name,
      description: input.description ?? "",
      repositoryUrl,
      testCommand: input.test_command || null,
      createdById: user.id,
      memberships: { create: { userId: user.id, role: "owner" } },
    },
  });
  const view = serializeProject(project);
  await publish({ type: "project.created", room: rooms.user(user.id), source: SOURCE, data: { ...view, created_by: user.id } });
  return { ...view, role: "owner" };
}

export async function getProject(user: PublicUser, id: string): Promise<ProjectView> {
  const role = await projectRole(user, id);
  if (!role) throw notFound("Project");
  const p = await getPrisma().project.findUnique({ where: { id } });
  if (!p) throw notFound("Project");
  return { ...serializeProject(p), role };
}

const FIELD_MAP = {
  name: "name",
  description: "description",
  repository_url: "repositoryUrl",
  test_command: "testCommand",
  status: "status",
  monthly_token_budget: "monthlyTokenBudget",
} as const;

/** The columns updateProject compares (FIELD_MAP's), cached per process: updateProject and deleteProject invalidate them. */
const EDITABLE = { name: true, description: true, repositoryUrl: true, testCommand: true, status: true, monthlyTokenBudget: true } as const;
const editableOf = (p: ProjectRow) => ({ name: p.name, description: p.description, repositoryUrl: p.repositoryUrl, testCommand: p.testCommand, status: p.status, monthlyTokenBudget: p.monthlyTokenBudget ?? null });
const editableColumns = (id: string) => cached("project", id, () => getPrisma().project.findUnique({ where: { id }, select: EDITABLE }));

/** SQL of the columns a PUT may change (FIELD_MAP's values); status is an enum. */
const COLUMN_SQL: Record<string, Prisma.Sql> = {
  name: Prisma.raw("name"),
  description: Prisma.raw("description"),
  repositoryUrl: Prisma.raw("repository_url"),
  testCommand: Prisma.raw("test_command"),
  status: Prisma.raw("status"),
  monthlyTokenBudget: Prisma.raw("monthly_token_budget"),
};

/**
 * UPDATE the changed columns (and updated_at, as Prisma's @updatedAt would) in ONE statement and round trip,
 * committed without waiting for its WAL flush: set_config(…, true) lasts for this statement's own transaction,
 * which is what a BEGIN; SET LOCAL synchronous_commit = off; UPDATE; COMMIT did in four. The row as stored, or
 * null when the project is gone.
 */
async function updateProjectRow(id: string, data: Record<string, unknown>): Promise<ProjectRow | null> {
  const sets = Object.entries(data).map(([column, value]) => {
    const sql = COLUMN_SQL[column];
    if (!sql) throw new Error(`updateProjectRow: unknown column ${column}`);
    return column === "status" ? Prisma.sql`${sql} = ${value}::"ProjectStatus"` : Prisma.sql`${sql} = ${value}`;
  });
  const rows = await getPrisma().$queryRaw<ProjectRow[]>`
    WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
    UPDATE projects SET ${Prisma.join(sets)}, updated_at = ${new Date()} FROM async_commit WHERE id = ${id}::uuid
    RETURNING id::text AS id, name, description, repository_url AS "repositoryUrl", test_command AS "testCommand", status::text AS status,
      monthly_token_budget AS "monthlyTokenBudget", created_at AS "createdAt", updated_at AS "updatedAt"`;
  return rows[0] ?? null;
}

/**
 * A PUT: the role and the columns it compares come from the per-process caches (lib/auth/lookup-cache.ts), so
 * a change costs one UPDATE statement and one group commit of its two events; a PUT that changes nothing costs one uncached read.
 */
export async function updateProject(user: PublicUser, id: string, input: TUpdateProject): Promise<ProjectView> {
  // The repository, the test command (it runs on the server) and the model budget are the owners'.
  const ownersOnly = input.repository_url !== undefined || input.test_command !== undefined || input.monthly_token_budget !== undefined;
  const role = await requireProjectRole(user, id, ownersOnly ? "project.configure" : "project.contribute");
  const prisma = getPrisma();
  const cachedBefore = await editableColumns(id);
  if (!cachedBefore) throw notFound("Project");
  const diff = async (before: NonNullable<typeof cachedBefore>) => {
    const data: Record<string, unknown> = {};
    const changed: string[] = [];
    for (const [key, column] of Object.entries(FIELD_MAP) as [keyof typeof FIELD_MAP, (typeof FIELD_MAP)[keyof typeof FIELD_MAP]][]) {
      if (input[key] === undefined) continue;
      let value: unknown = input[key];
      if (key === "repository_url") {
        // The masked form sent back unchanged (a settings form) keeps the stored URL and its credentials.
        value = input.repository_url && input.repository_url === maskRepositoryUrl(before.repositoryUrl) ? before.repositoryUrl : await checkRepositoryUrl(input.repository_url);
      }
      if (key === "test_command") value = input.test_command || null;
      if (key === "monthly_token_budget") value = input.monthly_token_budget === null ? null : BigInt(input.monthly_token_budget!);
      if ((before as Record<string, unknown>)[column] !== value) {
        data[column] = value;
        changed.push(key);
      }
    }
    return { data, changed };
  };
  let { data, changed } = await diff(cachedBefore);
  if (changed.length === 0) {
    // "Nothing changed" judged on the cached row is confirmed on the database: a change made on another process
    // may not have reached this cache yet (Redis down: up to its TTL), and a PUT must not be dropped for it.
    const fresh = await prisma.project.findUnique({ where: { id }, select: EDITABLE });
    if (!fresh) throw notFound("Project");
    ({ data, changed } = await diff(fresh));
  }
  if (changed.length === 0) return getProject(user, id);
  // The UPDATE's commit does not wait for its WAL flush (synchronous_commit off for its transaction only): the
  // event INSERT that follows commits synchronously, and flushing its commit record flushes the UPDATE's before
  // it (the WAL is one sequence), so the change is durable exactly when its event is — before anyone is told —
  // at the cost of one disk flush per PUT instead of two. Should the server crash in between, the PUT was never
  // answered (as if its transaction had rolled back). One statement, one round trip (updateProjectRow).
  const ticket = cacheTicket("project");
  const after = await updateProjectRow(id, data);
  if (!after) throw notFound("Project"); // deleted meanwhile
  // Every process compares the next PUT with these columns: dropped everywhere, and here replaced by the row as
  // stored (unless another change of a project raced this one), so the next PUT here reads nothing first.
  await invalidateAndKeep({ kind: "project", projectId: id }, "project", id, editableOf(after), ticket);
  // A new repository_url: the workspace is cloned again, in the background (workspace.* events say how it goes).
  if (changed.includes("repository_url")) void ensureWorkspace(id).catch(() => {});
  const view = serializeProject(after);
  const configured = changed.filter((k) => k === "repository_url" || k === "test_command");
  if (configured.length) {
    // Field names and the new test command; a repository URL only masked (it may carry credentials).
    await audit({
      action: "project.configure",
      actor: { id: user.id, email: user.email },
      target: { type: "project", id },
      projectId: id,
      details: { fields: configured, ...(configured.includes("test_command") ? { test_command: after.testCommand?.slice(0, 1000) ?? null } : {}), ...(configured.includes("repository_url") ? { repository_url: maskRepositoryUrl(after.repositoryUrl) } : {}) },
    });
  }
  // Seed 004's shape too (project_id, project_name, changes.status) and its rooms: the project's and the updater's.
  const event = { ...view, project_id: view.id, project_name: view.name, changes: { status: "updated" as const, fields: changed }, updated_by: user.id };
  // The project room's first, then the updater's copy (clients see them in that order; a user who is in both
  // rooms takes the first as the project's event).
  // Both copies in one group commit (one multi-row INSERT, one disk flush), the project room's row first.
  await publishAll([
    { type: "project.updated", room: rooms.project(id), source: SOURCE, data: event },
    { type: "project.updated", room: rooms.user(user.id), source: SOURCE, data: event },
  ]);
  return { ...view, role };
}

export async function deleteProject(user: PublicUser, id: string): Promise<void> {
  await requireProjectRole(user, id, "project.delete");
  const prisma = getPrisma();
  const p = await prisma.project.findUnique({ where: { id } });
  if (!p) throw notFound("Project");
  // What the rows leave behind: the rooms of its jobs and workflows (every socket in them, on any process,
  // leaves), its runs' log files, its workspace.
  const [jobs, workflows, runs, members] = await Promise.all([
    prisma.job.findMany({ where: { projectId: id }, select: { id: true } }),
    prisma.workflow.findMany({ where: { projectId: id }, select: { id: true } }),
    prisma.testRun.findMany({ where: { projectId: id }, select: { id: true } }),
    prisma.membership.findMany({ where: { projectId: id }, select: { userId: true } }),
  ]);
  await stopProjectRuns(id);
  await prisma.project.delete({ where: { id } });
  // Its notifications point at nothing now (their links would 404): gone before members hear project.deleted,
  // on which the dashboard's bell lists its notifications again.
  await prisma.notification.deleteMany({ where: { projectId: id } });
  // No role in it and no row of it is served from a cache after this (every process).
  await invalidate({ kind: "project", projectId: id, deleted: true });
  await audit({ action: "project.delete", actor: { id: user.id, email: user.email }, target: { type: "project", id }, projectId: id, details: { name: p.name } });
  const deleted = { id, project_id: id, name: p.name, deleted_by: user.id };
  await publish({ type: "project.deleted", room: rooms.project(id), source: SOURCE, data: deleted });
  // Every former member (and the one who deleted it) hears it in their own room, which outlives the project's.
  for (const uid of new Set([...members.map((m) => m.userId), user.id])) {
    await publish({ type: "project.deleted", room: rooms.user(uid), source: SOURCE, data: deleted });
  }
  evictRooms([rooms.project(id), ...workflows.map((w) => rooms.workflow(w.id)), ...jobs.map((j) => rooms.job(j.id))]);
  await purgeProjectData(id, [rooms.project(id), ...jobs.map((j) => rooms.job(j.id)), ...workflows.map((w) => rooms.workflow(w.id))], runs.map((r) => r.id));
}

/** A deleted project's events (its room, its jobs' and workflows' rooms), webhook deliveries, run logs and workspace. */
async function purgeProjectData(projectId: string, roomNames: string[], runIds: string[]) {
  const prisma = getPrisma();
  try {
    for (let i = 0; i < roomNames.length; i += 500) {
      const room = { in: roomNames.slice(i, i + 500) };
      await prisma.event.deleteMany({ where: { room } });
      forgetLatestIds(room.in); // (lib/realtime/publish.ts: latest ids known without a query)
      await prisma.eventFloor.deleteMany({ where: { room } }); // retention's floors of rooms that are gone
    }
    await prisma.webhookDelivery.deleteMany({ where: { projectId } });
    await Promise.all(runIds.map((r) => rm(logPath(r), { force: true })));
    await withWorkspaceLock(projectId, async () => {
      await rm(workspaceDir(projectId), { recursive: true, force: true });
      await rm(sessionsDir(projectId), { recursive: true, force: true });
    });
  } catch (e) {
    logger().error(errInfo(e), `[projects] cleaning up after deleting project ${projectId} failed`);
  }
}

/* ---------- members ---------- */

type MemberRow = { projectId: string; userId: string; role: string; createdAt: Date; user: { email: string; name: string } };
const serializeMember = (m: MemberRow): TMember => ({
  project_id: m.projectId,
  user_id: m.userId,
  email: m.user.email,
  name: m.user.name,
  role: m.role as TMember["role"],
  created_at: m.createdAt.toISOString(),
});

/** Members listed per project (the first ones by when they joined). */
export const MAX_MEMBERS = 1000;

export async function listMembers(user: PublicUser, projectId: string): Promise<TMember[]> {
  await requireProjectRole(user, projectId, "member.read");
  const ms = await getPrisma().membership.findMany({
    where: { projectId },
    include: { user: { select: { email: true, name: true } } },
    orderBy: { createdAt: "asc" },
    take: MAX_MEMBERS,
  });
  return ms.map(serializeMember);
}

/** Add a member, or change the role of an existing one. */
export async function addMember(user: PublicUser, projectId: string, input: TAddMember): Promise<{ member: TMember; created: boolean }> {
  await requireProjectRole(user, projectId, "member.manage");
  const prisma = getPrisma();
  const target = await prisma.user.findUnique({ where: { email: input.email } });
  if (!target) throw noAccount(user, input.email);
  const existing = await prisma.membership.findUnique({ where: { projectId_userId: { projectId, userId: target.id } } });
  if (existing && existing.role === "owner" && input.role !== "owner") await ensureAnotherOwner(projectId, target.id);
  const m = await prisma.membership.upsert({
    where: { projectId_userId: { projectId, userId: target.id } },
    create: { projectId, userId: target.id, role: input.role },
    update: { role: input.role },
    include: { user: { select: { email: true, name: true } } },
  });
  const member = serializeMember(m);
  if (!existing || existing.role !== input.role) await invalidate({ kind: "membership", userId: target.id, projectId });
  if (!existing || existing.role !== input.role) {
    await audit({
      action: existing ? "member.role_change" : "member.add",
      actor: { id: user.id, email: user.email },
      target: { type: "user", id: target.id },
      projectId,
      details: { email: target.email, role: input.role, ...(existing ? { from: existing.role } : {}) },
    });
  }
  if (existing) {
    await publish({ type: "member.updated", room: rooms.project(projectId), source: SOURCE, data: { ...member, updated_by: user.id } });
    // A lower role: whatever room needed the old one is left, on every process.
    if (RANK_OF[input.role] < RANK_OF[existing.role as ProjectRole]) await revalidateRoomsOf(target.id, projectId);
  } else {
    const data = { ...member, added_by: user.id };
    await publish({ type: "member.added", room: rooms.project(projectId), source: SOURCE, data });
    await publish({ type: "member.added", room: rooms.user(target.id), source: SOURCE, data });
  }
  return { member, created: !existing };
}

/**
 * The answer for an email without an account: 404 USER_NOT_FOUND whose details say what can be done —
 * an admin may send the same request with `"invite": true` (an invite link that adds them on sign-up);
 * others may ask an admin, or have the person sign up when sign-up is open.
 */
function noAccount(user: PublicUser, email: string) {
  const canInvite = user.role === "admin" && !(user as { scope?: unknown }).scope && !(user as { tokenKind?: string }).tokenKind?.startsWith("agent");
  const signupOpen = getConfig().allowSignup;
  const hint = canInvite
    ? "send the request again with \"invite\": true to create an invite link for them"
    : signupOpen
      ? "they can sign up first, or an admin can invite them"
      : "ask an admin to invite them";
  return new AppError("USER_NOT_FOUND", 404, `No account with email ${email}; ${hint}`, { email, invite: { allowed: canInvite, signup_open: signupOpen } });
}

/** Invite someone without an account to the project (admins): an invite link for that email and role. */
export async function inviteMember(user: Caller, projectId: string, input: TAddMember, origin: string) {
  await requireProjectRole(user, projectId, "member.manage");
  if (await getPrisma().user.findUnique({ where: { email: input.email }, select: { id: true } })) return null;
  if (user.role !== "admin") throw noAccount(user, input.email);
  return createInvite(user, { email: input.email, role: "user", project_id: projectId, project_role: input.role }, origin);
}

async function ensureAnotherOwner(projectId: string, leavingUserId: string) {
  const owners = await getPrisma().membership.count({ where: { projectId, role: "owner", userId: { not: leavingUserId } } });
  if (owners === 0) throw new AppError("LAST_OWNER", 409, "A project needs at least one owner; make someone else owner first");
}

export async function removeMember(user: PublicUser, projectId: string, userId: string): Promise<void> {
  // Anyone may leave; only owners may remove others.
  await requireProjectRole(user, projectId, userId === user.id ? "member.leave" : "member.manage");
  if (!isUuid(userId)) throw notFound("Member");
  const prisma = getPrisma();
  const m = await prisma.membership.findUnique({ where: { projectId_userId: { projectId, userId } } });
  if (!m) throw notFound("Member");
  if (m.role === "owner") await ensureAnotherOwner(projectId, userId);
  await prisma.membership.delete({ where: { projectId_userId: { projectId, userId } } });
  // Refused at once on every process (their cached roles are dropped before this answers).
  await invalidate({ kind: "membership", userId, projectId });
  await audit({ action: "member.remove", actor: { id: user.id, email: user.email }, target: { type: "user", id: userId }, projectId, details: { role: m.role, left: userId === user.id } });
  const data = { project_id: projectId, user_id: userId, removed_by: user.id };
  await publish({ type: "member.removed", room: rooms.project(projectId), source: SOURCE, data });
  await publish({ type: "member.removed", room: rooms.user(userId), source: SOURCE, data });
  // Their open sockets (every process) leave every room that needed the membership — project:, workflow:,
  // job:, agent: — at once; each room is checked again with the socket's own credential (admins keep access).
  await revalidateRoomsOf(userId, projectId);
}

/** revalidateUserRooms; should a process not answer in time, at least the project room is left everywhere. */
async function revalidateRoomsOf(userId: string, projectId: string) {
  try {
    await revalidateUserRooms(userId);
  } catch (e) {
    logger().error(errInfo(e), "[projects] re-checking the rooms of a member failed; leaving the project room only");
    evictFromRoom(rooms.user(userId), rooms.project(projectId));
  }
}

/* ---------- history ---------- */

export async function listProjectEvents(user: PublicUser, projectId: string, after: bigint, limit: number) {
  await requireProjectRole(user, projectId, "project.read");
  // At most `limit` events and MAX_LIST_BYTES of them: continue from next_after for the rest.
  const room = rooms.project(projectId);
  const { items: events } = fitBytes<Envelope>(await eventsAfter(room, after, limit));
  // Read after the page (lib/realtime/gaps.ts): reset when retention deleted events of the room after `after`.
  const gap = await gapAfter(room, after);
  return { events, next_after: events.length ? events[events.length - 1]!.id : after.toString(), ...gap };
}
