// A model's unified diff → react-diff-view files. Its parser (gitdiff-parser) needs a `diff --git`
// line per file; models often write bare `--- a/x` / `+++ b/x` headers, so those get one first.
import { parseDiff, type FileData, type HunkData } from "react-diff-view";

export type DiffFile = FileData & { key: string; path: string; additions: number; deletions: number };

const headerName = (line: string) =>
  line
    .slice(4)
    .replace(/\t.*$/, "")
    .trim()
    .replace(/^"(.*)"$/, "$1")
    .replace(/^[ab]\//, "");

/** Give every file of a unified diff a `diff --git` header (hunk bodies are skipped by their line counts). */
export function withGitHeaders(patch: string): string {
  const lines = patch.replace(/\r\n/g, "\n").split("\n");
  const out: string[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  let hasGitHeader = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (oldLeft > 0 || newLeft > 0) {
      if (!line.startsWith("\\")) {
        if (line.startsWith("+")) newLeft--;
        else if (line.startsWith("-")) oldLeft--;
        else {
          oldLeft--;
          newLeft--;
        }
      }
      out.push(line);
      continue;
    }
    if (line.startsWith("diff --git ")) hasGitHeader = true;
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
    } else if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) {
      if (!hasGitHeader) {
        const from = headerName(line);
        const to = headerName(lines[i + 1]!);
        out.push(`diff --git a/${from === "/dev/null" ? to : from} b/${to === "/dev/null" ? from : to}`);
        if (from === "/dev/null") out.push("new file mode 100644");
        if (to === "/dev/null") out.push("deleted file mode 100644");
      }
      hasGitHeader = false;
    }
    out.push(line);
  }
  return out.join("\n");
}

const count = (hunks: HunkData[], type: "insert" | "delete") => hunks.reduce((n, h) => n + h.changes.filter((c) => c.type === type).length, 0);

/** The files of a patch, each with its path and line counts; [] when it cannot be parsed. */
export function parsePatch(patch: string): DiffFile[] {
  let files: FileData[];
  try {
    files = parseDiff(withGitHeaders(patch));
  } catch {
    return [];
  }
  return files.map((f, i) => {
    const path = f.type === "delete" ? f.oldPath : f.newPath;
    return { ...f, key: `${i}:${f.oldPath}→${f.newPath}`, path, additions: count(f.hunks, "insert"), deletions: count(f.hunks, "delete") };
  });
}
