// Each project's workspace: a git repository in DATA_DIR/workspaces/<project id>, cloned from
// repository_url when possible, else initialised with one commit. Paths never escape it.
import { logger } from "../logger";
import { constants, existsSync } from "node:fs";
import { fitBytes } from "../api/bounds";
import { mkdir, open, readlink, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { createHash, randomBytes } from "node:crypto";
import { publish } from "../realtime/publish";
import { rooms } from "../realtime/events";
import path from "node:path";
import { getConfig } from "../config";
import { getPrisma } from "../db";
import { AppError, notFound } from "../errors";
import { requireProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { git, gitOk } from "./git";
import { keyedLock } from "../keyed-lock";
import { maskRepositoryUrl, planFetch } from "../projects/repository-url";
import { redactString } from "../redact";

/** Serialise git operations on one workspace within this process. */
export const withWorkspaceLock = keyedLock("workspace");

export const workspaceDir = (projectId: string) => path.join(getConfig().dataDir, "workspaces", projectId);

/**
 * Clone repository_url into `dest`, checked again right before (allowed host, public address, inside
 * REPO_ROOTS): HTTPS only for remote repositories, connecting to the address just checked; the file protocol
 * only for local ones; no submodules, no credential helper, no hooks, no SSH; within GIT_CLONE_TIMEOUT_MS and
 * GIT_CLONE_MAX_BYTES. Returns null when cloned, else why not.
 */
async function cloneRepository(url: string, cwd: string, dest: string): Promise<string | null> {
  const { git: limits } = getConfig();
  let plan;
  try {
    plan = await planFetch(url);
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  }
  const config: [string, string][] =
    plan.kind === "local" ? [["protocol.file.allow", "always"]] : [["protocol.https.allow", "always"], ["http.curloptResolve", plan.pin]];
  const source = plan.kind === "local" ? plan.path : plan.url;
  const r = await git(cwd, ["clone", "--quiet", "--no-hardlinks", "--no-recurse-submodules", "--", source, dest], {
    timeoutMs: limits.cloneTimeoutMs,
    config,
    env: { GIT_ALLOW_PROTOCOL: plan.kind === "local" ? "file" : "https" },
    watch: { dir: dest, maxBytes: limits.cloneMaxBytes },
  });
  return r.code === 0 ? null : r.stderr.trim().split("\n").pop() || `git exited with ${r.code}`;
}

/** Where the sessions' worktrees of a project live (one directory per session, beside the workspace). */
export const sessionsDir = (projectId: string) => `${workspaceDir(projectId)}.sessions`;
export const sessionWorktreeDir = (projectId: string, sessionId: string) => path.join(sessionsDir(projectId), sessionId);

/** What a workspace was made from: a hash of repository_url (the URL itself may hold credentials). */
export const workspaceSource = (url: string | null) => createHash("sha256").update(url ?? "").digest("hex").slice(0, 32);

/** A git message as shown to people: masked, credentials in URLs replaced, one bounded line. */
export function maskGitMessage(text: string): string {
  return redactString(text)
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1***@")
    .slice(0, 1000);
}

export type WorkspaceEvent = "workspace.cloning" | "workspace.ready" | "workspace.failed" | "workspace.synced";

async function workspaceEvent(projectId: string, type: WorkspaceEvent, data: Record<string, unknown>) {
  await publish({ type, room: rooms.project(projectId), source: "workspace_service", data: { project_id: projectId, ...data } } as Parameters<typeof publish>[0]);
}

/** The branch the workspace has checked out (the repository's default branch), or null. */
export async function defaultBranch(dir: string): Promise<string | null> {
  const r = await git(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  const name = r.stdout.trim();
  return r.code === 0 && isSafeBranchName(name) ? name : null;
}

/** A branch name we pass to git: no option look-alike, no `..`, no control characters (git's own check comes on top). */
export function isSafeBranchName(name: string): boolean {
  return /^[A-Za-z0-9._/-]{1,200}$/.test(name) && !name.startsWith("-") && !name.includes("..") && !name.startsWith("/") && !name.endsWith("/") && !name.endsWith(".lock") && !name.includes("//");
}

/**
 * Create the workspace if it does not exist yet, or again when repository_url changed since it was made;
 * returns its directory. A clone that fails leaves the workspace `failed` with its reason (masked) and throws
 * 409 WORKSPACE_FAILED; POST /projects/{id}/workspace/sync retries it.
 */
export async function ensureWorkspace(projectId: string, opts: { retry?: boolean } = {}): Promise<string> {
  const dir = workspaceDir(projectId);
  const project = await getPrisma().project.findUnique({ where: { id: projectId } });
  if (!project) throw notFound("Project");
  const want = workspaceSource(project.repositoryUrl);
  const exists = existsSync(path.join(dir, ".git"));
  if (exists && project.workspaceState === "ready" && project.workspaceSource === want) return dir;
  if (project.workspaceState === "failed" && project.workspaceSource === want && !opts.retry) throw workspaceFailed(project.workspaceError);
  return withWorkspaceLock(projectId, () => prepareWorkspace(projectId, opts));
}

const workspaceFailed = (why: string | null) =>
  new AppError("WORKSPACE_FAILED", 409, `The project's repository could not be cloned (${why ?? "unknown reason"}); fix repository_url or retry with POST /api/v1/projects/{id}/workspace/sync`);

async function prepareWorkspace(projectId: string, opts: { retry?: boolean }): Promise<string> {
  const prisma = getPrisma();
  const dir = workspaceDir(projectId);
  const project = await prisma.project.findUnique({ where: { id: projectId } });
  if (!project) throw notFound("Project");
  const want = workspaceSource(project.repositoryUrl);
  const exists = existsSync(path.join(dir, ".git"));
  if (exists && project.workspaceState === "ready" && project.workspaceSource === want) return dir;
  // A workspace made before its state was kept: adopt it as it is.
  if (exists && project.workspaceSource === null && project.workspaceState === null) {
    await prisma.project.update({ where: { id: projectId }, data: { workspaceState: "ready", workspaceSource: want, workspaceError: null } });
    return dir;
  }
  if (project.workspaceState === "failed" && project.workspaceSource === want && !opts.retry) throw workspaceFailed(project.workspaceError);
  await mkdir(path.dirname(dir), { recursive: true });
  const url = project.repositoryUrl;
  await prisma.project.update({ where: { id: projectId }, data: { workspaceState: "cloning", workspaceError: null, workspaceSource: want } });
  await workspaceEvent(projectId, "workspace.cloning", { repository_url: maskRepositoryUrl(url), reclone: exists });
  // Built beside its final place and renamed in at the end: `.git` exists from the first moment of a clone,
  // so a workspace must never be visible at `dir` before its files are checked out (a test run starting
  // meanwhile would find an empty tree).
  const tmp = `${dir}.partial-${randomBytes(4).toString("hex")}`;
  try {
    if (url) {
      const failed = await cloneRepository(url, path.dirname(dir), tmp);
      if (failed !== null) {
        const why = maskGitMessage(failed);
        logger().warn(`[workspace] clone of ${maskRepositoryUrl(url)} for project ${projectId} failed (${why})`);
        await prisma.project.update({ where: { id: projectId }, data: { workspaceState: "failed", workspaceError: why } });
        await workspaceEvent(projectId, "workspace.failed", { repository_url: maskRepositoryUrl(url), error: why });
        throw workspaceFailed(why);
      }
    } else {
      await mkdir(tmp, { recursive: true });
      await gitOk(tmp, ["init", "--quiet", "--initial-branch=main"]);
      await writeFile(path.join(tmp, "README.md"), `# ${project.name}\n\n${project.description || "A Switchboard project."}\n`);
      await gitOk(tmp, ["add", "-A"]);
      await gitOk(tmp, ["commit", "--quiet", "-m", "Initial commit"]);
    }
    // A new repository: the sessions' worktrees (and branches) of the old one go with it.
    await rm(dir, { recursive: true, force: true });
    await rm(sessionsDir(projectId), { recursive: true, force: true });
    if (exists) await prisma.session.updateMany({ where: { projectId }, data: { branch: null, baseBranch: null, baseCommit: null, pushedCommit: null, pushedAt: null } });
    await rename(tmp, dir);
  } catch (e) {
    if (!(e instanceof AppError)) {
      const why = maskGitMessage((e as Error).message);
      await prisma.project.update({ where: { id: projectId }, data: { workspaceState: "failed", workspaceError: why } }).catch(() => {});
      await workspaceEvent(projectId, "workspace.failed", { repository_url: maskRepositoryUrl(url), error: why }).catch(() => {});
    }
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  await prisma.project.update({ where: { id: projectId }, data: { workspaceState: "ready", workspaceError: null } });
  const view = await headsOf(dir);
  await workspaceEvent(projectId, "workspace.ready", { repository_url: maskRepositoryUrl(url), ...view });
  return dir;
}

/** Default branch, its head, the upstream's head (as last fetched) and how far the workspace is behind it. */
export async function headsOf(dir: string) {
  const branch = await defaultBranch(dir);
  const head = (await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"])).stdout.trim() || null;
  const up = branch ? (await git(dir, ["rev-parse", "--verify", "--quiet", `refs/remotes/origin/${branch}`])).stdout.trim() || null : null;
  const behind = head && up ? Number((await git(dir, ["rev-list", "--count", `${head}..${up}`])).stdout.trim()) || 0 : 0;
  return { default_branch: branch, head, upstream_head: up, behind };
}

/**
 * Fetch the default branch from repository_url (the same checks and limits as a clone, re-planned now) into
 * refs/remotes/origin/<branch>, then fast-forward the workspace to it. Caller holds the workspace lock.
 * Session branches are not touched.
 */
export async function fetchAndFastForward(projectId: string, dir: string, url: string | null): Promise<void> {
  const branch = await defaultBranch(dir);
  if (!url || !branch) return;
  const { git: limits } = getConfig();
  let plan;
  try {
    plan = await planFetch(url);
  } catch (e) {
    throw new AppError("WORKSPACE_SYNC_FAILED", 422, `The repository cannot be fetched: ${maskGitMessage((e as Error).message)}`);
  }
  const config: [string, string][] =
    plan.kind === "local" ? [["protocol.file.allow", "always"]] : [["protocol.https.allow", "always"], ["http.curloptResolve", plan.pin]];
  const source = plan.kind === "local" ? plan.path : plan.url;
  const r = await git(dir, ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--", source, `+refs/heads/${branch}:refs/remotes/origin/${branch}`], {
    timeoutMs: limits.cloneTimeoutMs,
    config,
    env: { GIT_ALLOW_PROTOCOL: plan.kind === "local" ? "file" : "https" },
    watch: { dir: path.join(dir, ".git"), maxBytes: limits.cloneMaxBytes },
  });
  if (r.code !== 0) throw new AppError("WORKSPACE_SYNC_FAILED", 422, `Fetching ${branch} failed: ${maskGitMessage(r.stderr.trim().split("\n").pop() || `git exited with ${r.code}`)}`);
  const up = `refs/remotes/origin/${branch}`;
  const ff = await git(dir, ["merge-base", "--is-ancestor", "HEAD", up]);
  if (ff.code !== 0) {
    throw new AppError("WORKSPACE_DIVERGED", 409, `The workspace's ${branch} has commits that ${branch} upstream does not have; it cannot be fast-forwarded`);
  }
  // A fast-forward: what test runs left in tracked files goes, untracked files stay.
  await gitOk(dir, ["reset", "--hard", "--quiet", up]);
}

/**
 * Resolve a user- or model-supplied relative path inside the workspace, or throw 400 PATH_OUTSIDE_WORKSPACE.
 * Refuses absolute paths, "..", NUL, the .git directory and symlinks that lead outside.
 */
export async function resolveInWorkspace(dir: string, rel: string): Promise<string> {
  const refuse = () => new AppError("PATH_OUTSIDE_WORKSPACE", 400, `'${rel.slice(0, 200)}' is not a path inside the workspace`);
  if (!rel || rel.includes("\0") || path.isAbsolute(rel) || rel.length > 1000) throw refuse();
  const normal = path.normalize(rel);
  if (normal.startsWith("..") || normal.split(path.sep).includes("..") || normal.split(path.sep)[0] === ".git") throw refuse();
  const full = path.resolve(dir, normal);
  if (!full.startsWith(dir + path.sep)) throw refuse();
  try {
    const real = await realpath(full);
    const realDir = await realpath(dir);
    if (!real.startsWith(realDir + path.sep)) throw refuse();
  } catch (e) {
    if (e instanceof AppError) throw e;
    // a file that does not exist yet is fine (patches create files)
  }
  return full;
}

/** Is a diff path (as written in a patch) safe to touch? */
export function isSafeRelativePath(p: string): boolean {
  if (!p || p.includes("\0") || path.isAbsolute(p)) return false;
  const parts = path.normalize(p).split(path.sep);
  return !parts.includes("..") && parts[0] !== ".git" && parts[0] !== "";
}

export type FileEntry = { path: string; size: number };

export async function listFiles(dir: string): Promise<FileEntry[]> {
  const out = await gitOk(dir, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  const paths = out.split("\0").filter(Boolean).sort();
  return Promise.all(paths.map(async (p) => ({ path: p, size: (await stat(path.join(dir, p)).catch(() => ({ size: 0 }))).size })));
}

export const MAX_FILE_VIEW_BYTES = 512 * 1024;

/**
 * Open a workspace file for reading and prove that what was opened lies inside the workspace. A test run
 * can swap a checked path for a symlink (or a FIFO) between a check and a read, so the check is made on
 * the open descriptor itself: its real path (/proc/self/fd) and its type. Non-blocking, so a FIFO never
 * holds a thread.
 */
async function openInWorkspace(dir: string, rel: string) {
  const full = await resolveInWorkspace(dir, rel);
  const fh = await open(full, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY).catch(() => null);
  if (!fh) throw notFound("File");
  try {
    const [st, real, realDir] = await Promise.all([fh.stat(), readlink(`/proc/self/fd/${fh.fd}`), realpath(dir)]);
    if (!real.startsWith(realDir + path.sep)) throw new AppError("PATH_OUTSIDE_WORKSPACE", 400, `'${rel.slice(0, 200)}' is not a path inside the workspace`);
    if (!st.isFile()) throw notFound("File");
    return { fh, st };
  } catch (e) {
    await fh.close().catch(() => {});
    throw e;
  }
}

export async function readWorkspaceFile(dir: string, rel: string) {
  const { fh, st } = await openInWorkspace(dir, rel);
  let buf: Buffer;
  try {
    // At most what is shown (+1 byte to know it was cut): a run may leave a file of any size.
    const want = Math.min(st.size, MAX_FILE_VIEW_BYTES + 1);
    const { bytesRead, buffer } = await fh.read({ buffer: Buffer.alloc(want), position: 0, length: want });
    buf = buffer.subarray(0, bytesRead);
  } finally {
    await fh.close().catch(() => {});
  }
  const binary = buf.subarray(0, 8000).includes(0);
  const truncated = st.size > MAX_FILE_VIEW_BYTES;
  return {
    path: rel,
    size: st.size,
    binary,
    truncated,
    content: binary ? null : buf.subarray(0, MAX_FILE_VIEW_BYTES).toString("utf8"),
  };
}

/* ---------- REST-facing ---------- */

/** Paths in GET /projects/{id}/files at most. */
export const MAX_TREE_FILES = 20_000;

export async function getFileTree(user: PublicUser, projectId: string) {
  await requireProjectRole(user, projectId, "viewer");
  const dir = await ensureWorkspace(projectId);
  const [all, head] = await Promise.all([listFiles(dir), git(dir, ["log", "-1", "--format=%H%x00%s%x00%an%x00%aI"])]);
  const [sha, subject, author, date] = head.stdout.trim().split("\0");
  // At most MAX_TREE_FILES paths (in path order) and MAX_LIST_BYTES of them; `truncated` says some were left out.
  const { items: files, truncated } = fitBytes(all.slice(0, MAX_TREE_FILES));
  return { files, truncated: truncated || all.length > MAX_TREE_FILES, total_files: all.length, head: sha ? { sha, subject, author, date } : null };
}

export async function getFile(user: PublicUser, projectId: string, rel: string) {
  await requireProjectRole(user, projectId, "viewer");
  const dir = await ensureWorkspace(projectId);
  return readWorkspaceFile(dir, rel);
}
