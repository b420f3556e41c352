// Each project's workspace: a git repository in DATA_DIR/workspaces/<project id>, cloned from
// repository_url when possible, else initialised with one commit. Paths never escape it.
import { logger } from "../logger";
import { constants, existsSync } from "node:fs";
import { fitBytes } from "../api/bounds";
import { mkdir, open, readlink, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
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

/** Create the workspace if it does not exist yet; returns its directory. */
export async function ensureWorkspace(projectId: string): Promise<string> {
  const dir = workspaceDir(projectId);
  if (existsSync(path.join(dir, ".git"))) return dir;
  return withWorkspaceLock(projectId, async () => {
    if (existsSync(path.join(dir, ".git"))) return dir;
    const project = await getPrisma().project.findUnique({ where: { id: projectId } });
    if (!project) throw notFound("Project");
    await mkdir(path.dirname(dir), { recursive: true });
    // Built beside its final place and renamed in at the end: `.git` exists from the first moment of a clone,
    // so a workspace must never be visible at `dir` before its files are checked out (a test run starting
    // meanwhile would find an empty tree).
    const tmp = `${dir}.partial-${randomBytes(4).toString("hex")}`;
    try {
      const url = project.repositoryUrl;
      let cloned = false;
      if (url) {
        const failed = await cloneRepository(url, path.dirname(dir), tmp);
        cloned = failed === null;
        if (!cloned) {
          logger().warn(`[workspace] clone of ${maskRepositoryUrl(url)} for project ${projectId} failed (${redactString(failed!)}); starting an empty repository`);
          await rm(tmp, { recursive: true, force: true });
        }
      }
      if (!cloned) {
        await mkdir(tmp, { recursive: true });
        await gitOk(tmp, ["init", "--quiet", "--initial-branch=main"]);
        await writeFile(path.join(tmp, "README.md"), `# ${project.name}\n\n${project.description || "A Switchboard project."}\n`);
        await gitOk(tmp, ["add", "-A"]);
        await gitOk(tmp, ["commit", "--quiet", "-m", "Initial commit"]);
      }
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return dir;
  });
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
