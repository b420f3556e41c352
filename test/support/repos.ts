// Local git repositories for tests (a project's repository_url inside REPO_ROOTS).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });

/** A repository at `dir` with `files` committed once. */
export function makeRepo(dir: string, files: Record<string, string>) {
  mkdirSync(dir, { recursive: true });
  for (const [f, c] of Object.entries(files)) writeFileSync(path.join(dir, f), c);
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "init");
  return dir;
}
