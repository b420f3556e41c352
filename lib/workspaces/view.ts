// GET /projects/{id}/workspace and POST /projects/{id}/workspace/sync: the workspace's state (cloning, ready,
// failed with its masked reason), its default branch against the upstream's, and every session branch with
// how far it is ahead of and behind the default branch.
import { existsSync } from "node:fs";
import path from "node:path";
import { getPrisma } from "../db";
import { AppError, notFound } from "../errors";
import { requireProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { git } from "./git";
import { ensureWorkspace, fetchAndFastForward, headsOf, withWorkspaceLock, workspaceDir, workspaceSource, isSafeBranchName } from "./service";
import { publish } from "../realtime/publish";
import { rooms } from "../realtime/events";

/** Session branches listed at most. */
const MAX_SESSIONS = 100;

async function count(dir: string, range: string): Promise<number> {
  const r = await git(dir, ["rev-list", "--count", range]);
  return r.code === 0 ? Number(r.stdout.trim()) || 0 : 0;
}

async function view(projectId: string) {
  const prisma = getPrisma();
  const project = await prisma.project.findUnique({ where: { id: projectId } });
  if (!project) throw notFound("Project");
  const dir = workspaceDir(projectId);
  const stale = project.workspaceSource !== workspaceSource(project.repositoryUrl);
  const ready = project.workspaceState === "ready" && !stale && existsSync(path.join(dir, ".git"));
  const state = ready ? "ready" : project.workspaceState === "failed" && !stale ? "failed" : "cloning";
  if (state === "cloning") void ensureWorkspace(projectId).catch(() => {}); // starts it when nothing has yet
  const heads = ready ? await headsOf(dir) : { default_branch: null, head: null, upstream_head: null, behind: 0 };
  const rows = ready
    ? await prisma.session.findMany({ where: { projectId, branch: { not: null } }, orderBy: { updatedAt: "desc" }, take: MAX_SESSIONS })
    : [];
  const sessions = [];
  for (const s of rows) {
    if (!s.branch || !isSafeBranchName(s.branch)) continue;
    const head = (await git(dir, ["rev-parse", "--verify", "--quiet", `refs/heads/${s.branch}`])).stdout.trim() || null;
    const base = heads.default_branch ? `refs/heads/${heads.default_branch}` : null;
    sessions.push({
      session_id: s.id,
      title: s.title,
      branch: s.branch,
      head,
      ahead: head && base ? await count(dir, `${base}..${head}`) : 0,
      behind: head && base ? await count(dir, `${head}..${base}`) : 0,
      pushed_commit: s.pushedCommit,
    });
  }
  return { project_id: projectId, state, error: state === "failed" ? project.workspaceError : null, ...heads, sessions };
}

export async function getWorkspace(user: PublicUser, projectId: string) {
  await requireProjectRole(user, projectId, "viewer");
  return view(projectId);
}

/**
 * Fetch the default branch and fast-forward the workspace to it (session branches stay where they are); a
 * failed or outdated workspace (repository_url changed) is cloned again.
 */
export async function syncWorkspace(user: PublicUser, projectId: string) {
  await requireProjectRole(user, projectId, "member");
  const prisma = getPrisma();
  const project = await prisma.project.findUnique({ where: { id: projectId } });
  if (!project) throw notFound("Project");
  let dir: string;
  try {
    dir = await ensureWorkspace(projectId, { retry: true });
  } catch (e) {
    if (e instanceof AppError && e.code === "WORKSPACE_FAILED") return view(projectId);
    throw e;
  }
  await withWorkspaceLock(projectId, () => fetchAndFastForward(projectId, dir, project.repositoryUrl));
  const out = await view(projectId);
  await publish({
    type: "workspace.synced",
    room: rooms.project(projectId),
    source: "workspace_service",
    data: { project_id: projectId, default_branch: out.default_branch, head: out.head, upstream_head: out.upstream_head, behind: out.behind, synced_by: user.id },
  });
  return out;
}
