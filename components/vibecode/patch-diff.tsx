"use client";
import { useMemo, useState, useSyncExternalStore } from "react";
import { Columns2, FileCode2, FilePlus2, FileX2, Rows2 } from "lucide-react";
import clsx from "clsx";
import { Decoration, Diff, Hunk, findChangeByNewLineNumber, getChangeKey, type ViewType } from "react-diff-view";
import "react-diff-view/style/index.css";
import "./patch-diff.css";
import { parsePatch, type DiffFile } from "@/lib/client/vibecode/diff";
import type { Suggestion } from "@/lib/client/github/types";
import { SuggestionCard } from "@/components/github/review-panel";
import { CopyButton } from "@/components/ui/copy-button";

/** AI suggestions of one file: under the line they name (react-diff-view widgets), or above the file. */
function placeSuggestions(file: DiffFile, suggestions: Suggestion[]) {
  const widgets: Record<string, React.ReactNode> = {};
  const above: Suggestion[] = [];
  const byKey = new Map<string, Suggestion[]>();
  for (const s of suggestions) {
    const line = s.metadata.line_number;
    const change = line ? findChangeByNewLineNumber(file.hunks, line) : undefined;
    if (!change) {
      above.push(s);
      continue;
    }
    const key = getChangeKey(change);
    byKey.set(key, [...(byKey.get(key) ?? []), s]);
  }
  for (const [key, list] of byKey) {
    widgets[key] = (
      <div className="px-2 py-1" data-testid="diff-widget">
        {list.map((s) => (
          <SuggestionCard key={s.suggestion_id} s={s} compact />
        ))}
      </div>
    );
  }
  return { widgets, above };
}

const pathsOf = (f: DiffFile) => [f.path, f.newPath, f.oldPath].filter(Boolean) as string[];

/* The unified/split choice is remembered per browser (a preference, not data: localStorage, not the cache). */
const VIEW_KEY = "switchboard.diffView";
const viewListeners = new Set<() => void>();
const readView = (): ViewType => (typeof localStorage !== "undefined" && localStorage.getItem(VIEW_KEY) === "split" ? "split" : "unified");
const subscribeView = (l: () => void) => {
  viewListeners.add(l);
  return () => viewListeners.delete(l);
};
function setView(v: ViewType) {
  try {
    localStorage.setItem(VIEW_KEY, v);
  } catch {
    /* private mode: the choice lasts for the page */
  }
  viewListeners.forEach((l) => l());
}

function Counts({ additions, deletions }: { additions: number; deletions: number }) {
  return (
    <span className="font-mono text-xs tabular-nums">
      <span className={additions ? "text-emerald-600 dark:text-emerald-400" : "text-zinc-400 dark:text-zinc-500"} data-testid="diff-additions">
        +{additions}
      </span>{" "}
      <span className={deletions ? "text-red-600 dark:text-red-400" : "text-zinc-400 dark:text-zinc-500"} data-testid="diff-deletions">
        −{deletions}
      </span>
    </span>
  );
}

const FILE_ICON = { add: FilePlus2, delete: FileX2 } as Partial<Record<DiffFile["type"], typeof FileCode2>>;

function FileDiff({ file, viewType, suggestions = [] }: { file: DiffFile; viewType: ViewType; suggestions?: Suggestion[] }) {
  const Icon = FILE_ICON[file.type] ?? FileCode2;
  const { widgets, above } = useMemo(() => placeSuggestions(file, suggestions), [file, suggestions]);
  return (
    <div data-testid="diff-file" data-path={file.path} className="overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-800">
      <div className="flex items-center gap-2 border-b border-zinc-200 bg-zinc-50 px-3 py-1.5 dark:border-zinc-800 dark:bg-zinc-900">
        <Icon className="size-3.5 shrink-0 text-zinc-400" />
        <span className="min-w-0 flex-1 truncate font-mono text-xs font-medium text-zinc-800 dark:text-zinc-200" title={file.path}>
          {file.type === "rename" ? `${file.oldPath} → ${file.newPath}` : file.path}
          {file.type === "add" && <span className="ml-2 font-sans text-[11px] font-normal text-emerald-600 dark:text-emerald-400">new file</span>}
          {file.type === "delete" && <span className="ml-2 font-sans text-[11px] font-normal text-red-600 dark:text-red-400">deleted</span>}
        </span>
        <Counts additions={file.additions} deletions={file.deletions} />
      </div>
      {above.length > 0 && (
        <div className="space-y-1 border-b border-zinc-200 bg-zinc-50/60 px-2 py-1.5 dark:border-zinc-800 dark:bg-zinc-900/60" data-testid="file-suggestions">
          {above.map((s) => (
            <SuggestionCard key={s.suggestion_id} s={s} compact />
          ))}
        </div>
      )}
      <div className="overflow-x-auto">
        <Diff viewType={viewType} diffType={file.type} hunks={file.hunks} className="sb-diff" widgets={widgets}>
          {(hunks) =>
            hunks.flatMap((hunk) => [
              <Decoration key={"d" + hunk.content} className="sb-diff-hunk-header">
                {hunk.content}
              </Decoration>,
              <Hunk key={"h" + hunk.content} hunk={hunk} />,
            ])
          }
        </Diff>
      </div>
    </div>
  );
}

/** A proposed patch: per-file headers with line counts, unified or side by side. */
export function PatchDiff({ patch, className, suggestions = [], toolbar }: { patch: string; className?: string; suggestions?: Suggestion[]; toolbar?: React.ReactNode }) {
  const files = useMemo(() => parsePatch(patch), [patch]);
  const forFile = (f: DiffFile) => suggestions.filter((s) => s.metadata.file_path && pathsOf(f).includes(s.metadata.file_path));
  const general = suggestions.filter((s) => !s.metadata.file_path || !files.some((f) => pathsOf(f).includes(s.metadata.file_path!)));
  const viewType = useSyncExternalStore(subscribeView, readView, () => "unified" as const);
  const [raw, setRaw] = useState(false);
  const additions = files.reduce((n, f) => n + f.additions, 0);
  const deletions = files.reduce((n, f) => n + f.deletions, 0);
  const showRaw = raw || files.length === 0;

  return (
    <div data-testid="diff-view" data-view-type={viewType} className={clsx("space-y-2", className)}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
        <p className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Proposed change · {files.length} {files.length === 1 ? "file" : "files"} <Counts additions={additions} deletions={deletions} />
        </p>
        <div className="ml-auto flex items-center gap-1.5">
          {toolbar}
          <CopyButton value={patch} label="Copy the patch" showLabel data-testid="copy-patch" />
          {files.length > 0 && (
            <button type="button" onClick={() => setRaw(!raw)} className="rounded px-1.5 py-0.5 text-[11px] font-medium text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200">
              {raw ? "Formatted" : "Raw patch"}
            </button>
          )}
          <div role="radiogroup" aria-label="Diff layout" className="flex rounded-md border border-zinc-200 p-0.5 dark:border-zinc-700" data-testid="diff-view-toggle">
            {(
              [
                ["unified", "Unified", Rows2],
                ["split", "Split", Columns2],
              ] as const
            ).map(([v, label, Icon]) => (
              <button
                key={v}
                type="button"
                role="radio"
                aria-checked={viewType === v}
                onClick={() => setView(v)}
                data-testid={`diff-view-${v}`}
                className={clsx(
                  "flex items-center gap-1 rounded px-2 py-0.5 text-[11px] font-medium",
                  viewType === v ? "bg-zinc-200/80 text-zinc-900 dark:bg-zinc-700 dark:text-zinc-100" : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
                )}
              >
                <Icon className="size-3" />
                {label}
              </button>
            ))}
          </div>
        </div>
      </div>
      {general.length > 0 && (
        <div className="space-y-1" data-testid="general-suggestions">
          {general.map((s) => (
            <SuggestionCard key={s.suggestion_id} s={s} />
          ))}
        </div>
      )}
      {showRaw ? (
        <pre className="overflow-x-auto rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs leading-5 dark:border-zinc-800 dark:bg-zinc-950">{patch}</pre>
      ) : (
        files.map((f) => <FileDiff key={f.key} file={f} viewType={viewType} suggestions={forFile(f)} />)
      )}
    </div>
  );
}
