"use client";
import { useMemo, useState } from "react";
import { ChevronRight, File, Folder, FolderOpen } from "lucide-react";
import clsx from "clsx";
import { ancestorsOf, buildTree, type DirNode, type TreeNode } from "@/lib/client/vibecode/files";
import type { WorkspaceFile } from "@/lib/client/vibecode/api";

/** Big trees start with their folders closed; small ones open. */
const OPEN_ALL_UP_TO = 150;

type Props = { files: WorkspaceFile[]; selected: string | null; onSelect: (path: string) => void };

export function FileTree({ files, selected, onSelect }: Props) {
  const root = useMemo(() => buildTree(files), [files]);
  /** Folders the reader opened or closed; the rest follow the default. */
  const [toggled, setToggled] = useState<Record<string, boolean>>({});
  const selectedAncestors = useMemo(() => new Set(selected ? ancestorsOf(selected) : []), [selected]);
  const isOpen = (dir: DirNode) => toggled[dir.path] ?? (files.length <= OPEN_ALL_UP_TO || selectedAncestors.has(dir.path));
  const toggle = (dir: DirNode) => setToggled((t) => ({ ...t, [dir.path]: !isOpen(dir) }));

  const renderNodes = (nodes: TreeNode[], depth: number) =>
    nodes.map((node) => {
      const indent = { paddingLeft: `${depth * 14 + 8}px` };
      if (node.kind === "dir") {
        const open = isOpen(node);
        return (
          <li key={node.path} role="treeitem" aria-expanded={open} aria-selected={false}>
            <button
              type="button"
              onClick={() => toggle(node)}
              data-testid="folder-entry"
              data-path={node.path}
              style={indent}
              className="flex w-full items-center gap-1.5 rounded py-1 pr-2 text-left text-[13px] text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800/70"
            >
              <ChevronRight className={clsx("size-3.5 shrink-0 text-zinc-400 transition-transform", open && "rotate-90")} />
              {open ? <FolderOpen className="size-4 shrink-0 text-indigo-500/80" /> : <Folder className="size-4 shrink-0 text-indigo-500/80" />}
              <span className="truncate">{node.name}</span>
              <span className="ml-auto pl-2 text-[11px] text-zinc-400 tabular-nums">{node.files}</span>
            </button>
            {open && (
              <ul role="group">{renderNodes(node.children, depth + 1)}</ul>
            )}
          </li>
        );
      }
      const active = node.path === selected;
      return (
        <li key={node.path} role="treeitem" aria-selected={active}>
          <button
            type="button"
            onClick={() => onSelect(node.path)}
            data-testid="file-entry"
            data-path={node.path}
            style={{ paddingLeft: `${depth * 14 + 8 + 20}px` }}
            aria-current={active ? "true" : undefined}
            className={clsx(
              "flex w-full items-center gap-1.5 rounded py-1 pr-2 text-left text-[13px]",
              active
                ? "bg-indigo-50 font-medium text-indigo-700 dark:bg-indigo-500/15 dark:text-indigo-200"
                : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800/70",
            )}
          >
            <File className="size-4 shrink-0 text-zinc-400" />
            <span className="truncate">{node.name}</span>
          </button>
        </li>
      );
    });

  return (
    <ul role="tree" aria-label="Workspace files" data-testid="files-tree" className="py-1.5">
      {renderNodes(root.children, 0)}
    </ul>
  );
}
