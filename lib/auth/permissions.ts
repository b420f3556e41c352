// Who may see and change what. Admins act as owners everywhere.
import { getPrisma } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import type { PublicUser } from "../users/service";

export type ProjectRole = "owner" | "member" | "viewer";
const RANK: Record<ProjectRole, number> = { viewer: 1, member: 2, owner: 3 };

/** The caller's effective role in a project, or null when they cannot see it (or it does not exist). */
export async function projectRole(user: PublicUser, projectId: string): Promise<ProjectRole | null> {
  if (!isUuid(projectId)) return null;
  if (!inScope(user, projectId)) return null;
  const prisma = getPrisma();
  if (user.role === "admin") {
    const exists = await prisma.project.findUnique({ where: { id: projectId }, select: { id: true } });
    return exists ? "owner" : null;
  }
  const m = await prisma.membership.findUnique({ where: { projectId_userId: { projectId, userId: user.id } } });
  return (m?.role as ProjectRole | undefined) ?? null;
}

/** A project-scoped API token sees only its projects, whatever its user's memberships. */
export function inScope(user: PublicUser, projectId: string): boolean {
  const scope = (user as { scope?: string[] | null }).scope;
  return !scope || scope.includes(projectId.toLowerCase());
}

export async function canSeeProject(user: PublicUser, projectId: string): Promise<boolean> {
  return (await projectRole(user, projectId)) !== null;
}

/**
 * Require at least `min` in the project. A project the caller cannot see answers 404 (its existence
 * is not revealed); one they can see but may not change answers 403.
 */
export async function requireProjectRole(user: PublicUser, projectId: string, min: ProjectRole): Promise<ProjectRole> {
  const role = await projectRole(user, projectId);
  if (!role) throw notFound("Project");
  if (RANK[role] < RANK[min]) {
    throw forbidden(min === "owner" ? "Only the project's owners can do this" : "Viewers cannot change this project");
  }
  return role;
}

export function requireAdmin(user: PublicUser): void {
  if (user.role !== "admin") throw new AppError("FORBIDDEN", 403, "Only admins can do this");
}

/**
 * For things that belong to a project (sessions, runs): require the role, and answer 404 for the thing
 * (not the project) when the caller cannot see its project.
 */
export async function requireRoleForChild(user: PublicUser, projectId: string, min: ProjectRole, what: string): Promise<ProjectRole> {
  try {
    return await requireProjectRole(user, projectId, min);
  } catch (e) {
    if (e instanceof AppError && e.status === 404) throw notFound(what);
    throw e;
  }
}
