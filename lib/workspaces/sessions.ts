// A branch per vibecode session: its own git worktree (DATA_DIR/workspaces/<project>.sessions/<session>) on
// `switchboard/<first 8 of the session id>-<slug>`, made at the session's first prompt from the project's
// default branch just brought up to date. The slug comes from the first prompt, reduced to [a-z0-9-]: nothing a
// person types can become an option, a `..` or another ref.
import { logger } from "../logger";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { getPrisma } from "../db";
import { AppError, notFound } from "../errors";
import { publish } from "../realtime/publish";
import { rooms } from "../realtime/events";
import { git, gitOk } from "./git";
import { defaultBranch, ensureWorkspace, fetchAndFastForward, isSafeBranchName, sessionWorktreeDir, sessionsDir, withWorkspaceLock } from "./service";

export const BRANCH_PREFIX = "switchboard/";
const SLUG_MAX = 40;

/** [a-z0-9-] words of a text, at most SLUG_MAX characters; "session" when nothing is left. */
export function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/, "");
  return slug || "session";
}

export const sessionBranchName = (sessionId: string, text: string) => `${BRANCH_PREFIX}${sessionId.slice(0, 8)}-${slugify(text)}`;

type SessionRow = { id: string; projectId: string; title: string; branch: string | null };

/**
 * The session's worktree, made (with its branch) when it has none yet: the default branch is fetched and
 * fast-forwarded first when the project has an upstream (a failed fetch leaves it as it was: the branch starts
 * from what the workspace has). Returns its directory and branch.
 */
export async function ensureSessionWorktree(session: SessionRow, slugSource?: string): Promise<{ dir: string; branch: string }> {
  const dir = sessionWorktreeDir(session.projectId, session.id);
  if (session.branch && existsSync(path.join(dir, ".git"))) return { dir, branch: session.branch };
  const main = await ensureWorkspace(session.projectId);
  return withWorkspaceLock(session.projectId, async () => {
    const prisma = getPrisma();
    const s = await prisma.session.findUnique({ where: { id: session.id }, include: { project: { select: { repositoryUrl: true } } } });
    if (!s) throw notFound("Session");
    await mkdir(sessionsDir(session.projectId), { recursive: true });
    await git(main, ["worktree", "prune"]);
    if (s.branch && isSafeBranchName(s.branch)) {
      if (existsSync(path.join(dir, ".git"))) return { dir, branch: s.branch };
      const has = await git(main, ["rev-parse", "--verify", "--quiet", `refs/heads/${s.branch}`]);
      if (has.code === 0) {
        await gitOk(main, ["worktree", "add", "--quiet", dir, s.branch]);
        return { dir, branch: s.branch };
      }
    }
    try {
      await fetchAndFastForward(session.projectId, main, s.project.repositoryUrl);
    } catch (e) {
      logger().warn(`[workspace] session ${s.id} starts from the workspace as it is: ${(e as Error).message}`);
    }
    const base = await defaultBranch(main);
    if (!base) throw new AppError("WORKSPACE_FAILED", 409, "The workspace has no branch checked out to start a session branch from");
    const branch = sessionBranchName(s.id, slugSource ?? s.title);
    const check = await git(main, ["check-ref-format", "--branch", branch]);
    if (check.code !== 0 || !isSafeBranchName(branch)) throw new AppError("INTERNAL", 500, "Could not name the session branch");
    const add = await git(main, ["worktree", "add", "--quiet", "-b", branch, dir, `refs/heads/${base}`]);
    if (add.code !== 0) throw new AppError("WORKSPACE_FAILED", 409, `The session's worktree could not be made: ${add.stderr.trim().slice(0, 300)}`);
    const baseCommit = (await gitOk(dir, ["rev-parse", "HEAD"])).trim();
    await prisma.session.update({ where: { id: s.id }, data: { branch, baseBranch: base, baseCommit } });
    await publish({
      type: "session.branch_created",
      room: rooms.project(s.projectId),
      source: "vibecode_service",
      data: { session_id: s.id, branch, base_branch: base, base_commit: baseCommit },
    });
    return { dir, branch };
  });
}

export type CommitInfo = { sha: string; subject: string; author: string; author_email: string; date: string };

/** The session branch's commits since its base (newest first, at most `max`). */
export async function sessionCommits(dir: string, baseCommit: string, max = 200): Promise<CommitInfo[]> {
  const r = await git(dir, ["log", `--max-count=${max}`, "--format=%H%x00%s%x00%an%x00%ae%x00%aI", `${baseCommit}..HEAD`, "--"]);
  if (r.code !== 0) return [];
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [sha, subject, author, email, date] = l.split("\0");
      return { sha: sha!, subject: subject ?? "", author: author ?? "", author_email: email ?? "", date: date ?? "" };
    });
}
