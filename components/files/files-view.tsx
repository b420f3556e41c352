"use client";
import { useCallback } from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, FolderTree, GitCommitHorizontal } from "lucide-react";
import { rooms } from "@/lib/contract";
import { isApiError } from "@/lib/client/api";
import { keys } from "@/lib/client/keys";
import { useProject } from "@/lib/client/projects/hooks";
import { useRealtime, useRoom } from "@/lib/client/realtime";
import { isDeleted, type Member } from "@/lib/client/types";
import type { FileTree as Tree, HeadCommit } from "@/lib/client/vibecode/api";
import { useFileTree } from "@/lib/client/vibecode/hooks";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { ProjectDeleted, ProjectNotFound } from "@/components/project/project-states";
import { FileTree } from "./file-tree";
import { FileViewer } from "./file-viewer";

function HeadCommitLine({ head }: { head: HeadCommit }) {
  return (
    <p data-testid="head-commit" data-sha={head.sha} className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-0.5 text-xs text-zinc-500 dark:text-zinc-400">
      <GitCommitHorizontal className="size-3.5 shrink-0" />
      <code className="font-mono text-zinc-700 dark:text-zinc-300" title={head.sha}>
        {head.sha.slice(0, 7)}
      </code>
      <span className="min-w-0 truncate font-medium text-zinc-700 dark:text-zinc-300" title={head.subject}>
        {head.subject}
      </span>
      <span>
        by {head.author} · <RelativeTime iso={head.date} />
      </span>
    </p>
  );
}

/** The file to show when the URL names none: the top-level README, if any. */
const defaultFile = (tree: Tree | undefined) => tree?.files.find((f) => /^readme(\.[a-z]+)?$/i.test(f.path))?.path ?? null;

export function FilesView({ projectId }: { projectId: string }) {
  const { me } = useRealtime();
  const qc = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  useRoom(rooms.project(projectId));
  const project = useProject(projectId);
  const tree = useFileTree(projectId);
  const selected = params.get("path") ?? defaultFile(tree.data);

  const select = useCallback((path: string) => router.replace(`${pathname}?path=${encodeURIComponent(path)}`, { scroll: false }), [router, pathname]);

  const p = project.data;
  if (isDeleted(p)) {
    const by = p.deleted_by === me ? "you" : qc.getQueryData<Member[]>(keys.members(projectId))?.find((m) => m.user_id === p.deleted_by)?.name;
    return <ProjectDeleted name={p.name} by={by ?? null} />;
  }
  if (isApiError(project.error, 404) || isApiError(project.error, 403) || isApiError(tree.error, 404) || isApiError(tree.error, 403)) return <ProjectNotFound />;

  return (
    <div className="space-y-5" data-testid="files-view">
      <header className="space-y-1.5">
        <Link href={`/projects/${projectId}`} className="inline-flex min-w-0 items-center gap-1.5 text-[13px] font-medium text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
          <ArrowLeft className="size-3.5 shrink-0" />
          <span className="truncate">{p?.name ?? "Project"}</span>
        </Link>
        <h1 className="flex items-center gap-2 text-xl font-semibold tracking-tight">
          <FolderTree className="size-5 text-zinc-400" />
          Workspace files
          {tree.data && <span className="text-sm font-normal text-zinc-500 tabular-nums dark:text-zinc-400">{tree.data.files.length}</span>}
        </h1>
        {tree.data?.head ? <HeadCommitLine head={tree.data.head} /> : tree.isPending ? <Skeleton className="h-3.5 w-96 max-w-full" /> : null}
      </header>

      {tree.error && !tree.data ? (
        <Card>
          <ErrorState title="Could not load the workspace" error={tree.error} onRetry={() => void tree.refetch()} retrying={tree.isRefetching} />
        </Card>
      ) : (
        <div className="grid grid-cols-1 items-start gap-5 lg:grid-cols-[18rem_minmax(0,1fr)]">
          <Card className="overflow-y-auto px-1.5 lg:sticky lg:top-4 lg:max-h-[calc(100vh-8rem)]">
            {tree.isPending ? (
              <div className="space-y-2.5 px-2 py-3" aria-busy>
                {[0, 1, 2, 3, 4].map((i) => (
                  <Skeleton key={i} className="h-3.5" />
                ))}
              </div>
            ) : tree.data.files.length === 0 ? (
              <EmptyState compact icon={<FolderTree />} title="The workspace is empty">
                Apply a patch from a vibecode session to add files.
              </EmptyState>
            ) : (
              <FileTree files={tree.data.files} selected={selected} onSelect={select} />
            )}
          </Card>
          <Card className="min-w-0 overflow-hidden">
            <FileViewer projectId={projectId} path={selected} />
          </Card>
        </div>
      )}
    </div>
  );
}
