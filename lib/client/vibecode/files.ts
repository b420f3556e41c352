// The workspace's flat file list as a tree for the files page.
import type { WorkspaceFile } from "./api";

export type FileNode = { kind: "file"; name: string; path: string; size: number };
export type DirNode = { kind: "dir"; name: string; path: string; children: TreeNode[]; files: number };
export type TreeNode = FileNode | DirNode;

const byKindThenName = (a: TreeNode, b: TreeNode) =>
  a.kind !== b.kind ? (a.kind === "dir" ? -1 : 1) : a.name.localeCompare(b.name, "en", { numeric: true, sensitivity: "base" });

/** Folders first, then files, each sorted by name; `files` counts every file below a folder. */
export function buildTree(files: WorkspaceFile[]): DirNode {
  const root: DirNode = { kind: "dir", name: "", path: "", children: [], files: 0 };
  const dirs = new Map<string, DirNode>([["", root]]);
  const dirOf = (path: string): DirNode => {
    const found = dirs.get(path);
    if (found) return found;
    const cut = path.lastIndexOf("/");
    const parent = dirOf(cut === -1 ? "" : path.slice(0, cut));
    const node: DirNode = { kind: "dir", name: path.slice(cut + 1), path, children: [], files: 0 };
    parent.children.push(node);
    dirs.set(path, node);
    return node;
  };
  for (const f of files) {
    const cut = f.path.lastIndexOf("/");
    dirOf(cut === -1 ? "" : f.path.slice(0, cut)).children.push({ kind: "file", name: f.path.slice(cut + 1), path: f.path, size: f.size });
    for (let p = f.path; p.includes("/"); ) {
      p = p.slice(0, p.lastIndexOf("/"));
      dirs.get(p)!.files++;
    }
    root.files++;
  }
  const sort = (d: DirNode) => {
    d.children.sort(byKindThenName);
    d.children.forEach((c) => c.kind === "dir" && sort(c));
  };
  sort(root);
  return root;
}

/** Every folder that contains `path` ("a", "a/b" for "a/b/c.txt"). */
export function ancestorsOf(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
