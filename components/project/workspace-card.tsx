"use client";
// The project's workspace: cloning / ready / failed (with the reason and a Retry), its default branch against
// the upstream's, Sync (fetch + fast-forward), and every session branch with how far ahead and behind it is.
// workspace.* events keep it live (lib/client/vibecode-cache.ts invalidates the query).
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleAlert, GitBranch, RefreshCw } from "lucide-react";
import { keys } from "@/lib/client/keys";
import { shipApi } from "@/lib/client/ship-api";
import { can, type Project } from "@/lib/client/types";
import { toastError } from "@/lib/client/toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

const short = (sha: string | null) => (sha ? sha.slice(0, 7) : "—");

export function WorkspaceCard({ project }: { project: Project }) {
  const qc = useQueryClient();
  const ws = useQuery({
    queryKey: keys.workspace(project.id),
    queryFn: ({ signal }) => shipApi.workspace(project.id, signal),
    // While it clones, look again now and then too (the events say when it is done).
    refetchInterval: (q) => (q.state.data?.state === "cloning" ? 3000 : false),
  });
  const sync = useMutation({
    mutationFn: () => shipApi.sync(project.id),
    onSuccess: (w) => qc.setQueryData(keys.workspace(project.id), w),
    onError: (e) => toastError(e),
  });
  const mayAct = can(project.role).edit;
  const w = ws.data;
  let body: React.ReactNode;
  if (ws.isPending) {
    body = (
      <div className="space-y-2" aria-busy>
        <Skeleton className="h-4 w-48" />
        <Skeleton className="h-4 w-32" />
      </div>
    );
  } else if (!w) {
    body = <p className="text-[13px] text-red-600 dark:text-red-400">Could not load the workspace: {ws.error?.message}</p>;
  } else if (w.state === "failed") {
    body = (
      <div className="space-y-2" data-testid="workspace-failed">
        <p className="flex gap-2 text-[13px] text-red-700 dark:text-red-300" role="alert">
          <CircleAlert className="mt-0.5 size-4 shrink-0" />
          <span className="min-w-0 break-words">
            The repository could not be cloned: <span data-testid="workspace-error">{w.error ?? "unknown reason"}</span>
          </span>
        </p>
        {mayAct && (
          <Button size="sm" variant="secondary" loading={sync.isPending} onClick={() => sync.mutate()} data-testid="workspace-retry">
            {!sync.isPending && <RefreshCw className="size-3.5" />}
            Retry
          </Button>
        )}
      </div>
    );
  } else if (w.state === "cloning") {
    body = <p className="text-[13px] text-zinc-500 dark:text-zinc-400" data-testid="workspace-cloning">Cloning the repository…</p>;
  } else {
    body = (
      <div className="space-y-3 text-[13px]">
        <dl className="grid grid-cols-[7rem_1fr] gap-y-1">
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Default branch</dt>
          <dd className="font-mono text-xs" data-testid="workspace-branch">{w.default_branch ?? "—"}</dd>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Head</dt>
          <dd className="font-mono text-xs" title={w.head ?? undefined}>{short(w.head)}</dd>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Upstream</dt>
          <dd className="font-mono text-xs" title={w.upstream_head ?? undefined}>
            {w.upstream_head ? short(w.upstream_head) : "no upstream"}
            {w.behind > 0 && <span className="ml-2 font-sans text-amber-700 dark:text-amber-300">{w.behind} behind</span>}
          </dd>
        </dl>
        {w.sessions.length > 0 && (
          <ul className="space-y-1" data-testid="workspace-sessions">
            {w.sessions.map((s) => (
              <li key={s.session_id} className="flex items-center justify-between gap-2">
                <Link href={`/projects/${project.id}/sessions/${s.session_id}`} className="min-w-0 truncate font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400" title={s.title}>
                  {s.branch}
                </Link>
                <span className="shrink-0 text-xs text-zinc-500 tabular-nums dark:text-zinc-400" data-testid="workspace-session-counts">
                  +{s.ahead} / −{s.behind}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <Card data-testid="workspace-card" data-state={w?.state ?? "loading"}>
      <CardHeader
        title="Workspace"
        icon={<GitBranch className="size-4" />}
        actions={
          <div className="flex items-center gap-2">
            {w && <Badge tone={w.state === "ready" ? "green" : w.state === "failed" ? "red" : "amber"}>{w.state}</Badge>}
            {mayAct && w?.state === "ready" && (
              <Button size="sm" variant="ghost" loading={sync.isPending} onClick={() => sync.mutate()} title="Fetch and fast-forward the default branch" data-testid="workspace-sync">
                {!sync.isPending && <RefreshCw className="size-3.5" />}
                Sync
              </Button>
            )}
          </div>
        }
      />
      <CardBody className="py-3">{body}</CardBody>
    </Card>
  );
}
