// Patches from the model: find the ```diff block, parse it with jsdiff (a maintained unified-diff
// parser), refuse paths outside the workspace, and let `git apply --check` decide whether it applies.
import type * as DiffModule from "diff";
import { lazy } from "../lazy";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lib/lazy.ts)
const diff = lazy(() => require("diff") as typeof DiffModule);
import { git } from "../workspaces/git";
import { isSafeRelativePath } from "../workspaces/service";

export type PatchFile = { path: string; additions: number; deletions: number };
export type PatchCheck = { ok: true; patch: string; files: PatchFile[] } | { ok: false; error: string; code: "NO_DIFF" | "INVALID_DIFF" | "PATH_OUTSIDE_WORKSPACE" | "DOES_NOT_APPLY" };

/** The first ```diff (or ```patch) fenced block of a reply, or null. */
export function extractDiff(reply: string): string | null {
  const m = /```(?:diff|patch)[^\n]*\n([\s\S]*?)(?:\n```|$)/.exec(reply);
  if (!m) return null;
  const body = m[1]!.replace(/\s+$/, "");
  return body ? body + "\n" : null;
}

const stripPrefix = (name: string | undefined) => (name ?? "").replace(/^[ab]\//, "").replace(/\t.*$/, "").trim();

/** Files touched by a unified diff with line counts, and every path it names (renames have two). */
export function summarisePatch(patch: string): { files: PatchFile[]; paths: string[] } {
  const files: PatchFile[] = [];
  const paths = new Set<string>();
  for (const f of diff().parsePatch(patch)) {
    const oldName = stripPrefix(f.oldFileName);
    const newName = stripPrefix(f.newFileName);
    if (!oldName && !newName) continue;
    for (const n of [oldName, newName]) if (n && n !== "/dev/null") paths.add(n);
    let additions = 0;
    let deletions = 0;
    for (const line of f.hunks.flatMap((h) => h.lines)) {
      if (line.startsWith("+")) additions++;
      else if (line.startsWith("-")) deletions++;
    }
    files.push({ path: newName && newName !== "/dev/null" ? newName : oldName, additions, deletions });
  }
  return { files, paths: [...paths] };
}

export async function checkPatch(dir: string, patch: string | null): Promise<PatchCheck> {
  if (!patch) return { ok: false, code: "NO_DIFF", error: "The answer contains no ```diff block" };
  let summary: ReturnType<typeof summarisePatch>;
  try {
    summary = summarisePatch(patch);
  } catch (e) {
    return { ok: false, code: "INVALID_DIFF", error: `The diff cannot be parsed: ${(e as Error).message}` };
  }
  const { files, paths } = summary;
  if (!files.length) return { ok: false, code: "INVALID_DIFF", error: "The diff block names no file" };
  const unsafe = paths.filter((p) => !isSafeRelativePath(p));
  if (unsafe.length) return { ok: false, code: "PATH_OUTSIDE_WORKSPACE", error: `The diff touches paths outside the workspace: ${unsafe.join(", ")}` };
  const r = await git(dir, ["apply", "--check", "--recount", "--whitespace=nowarn", "-"], { input: patch, timeoutMs: 30_000 });
  if (r.code !== 0) return { ok: false, code: "DOES_NOT_APPLY", error: `The diff does not apply: ${r.stderr.trim().split("\n").slice(0, 5).join("; ")}` };
  return { ok: true, patch, files };
}
