"use client";
import Link from "next/link";
import { Workflow as WorkflowIcon } from "lucide-react";
import { useWorkflows } from "@/lib/client/workflows/hooks";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { BackLink, ProjectGate } from "@/components/shared/project-gate";
import { AgentOfflineBadge, WorkflowProgressBar, WorkflowStatusBadge } from "./workflow-bits";

function List({ projectId }: { projectId: string }) {
  const { data, error, isPending, refetch, isRefetching } = useWorkflows(projectId);
  if (isPending) {
    return (
      <Card className="space-y-3 p-4" aria-busy>
        <Skeleton className="h-4 w-1/2" />
        <Skeleton className="h-4 w-2/3" />
      </Card>
    );
  }
  if (!data) return <Card><ErrorState title="Could not load the workflows" error={error} onRetry={() => void refetch()} retrying={isRefetching} /></Card>;
  if (!data.length) {
    return (
      <Card>
        <EmptyState icon={<WorkflowIcon />} title="No workflows yet" data-testid="workflows-empty">
          Agents report their work here step by step (POST /api/v1/projects/{"{id}"}/workflows). Asking the vibecode assistant starts one too.
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card>
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="workflows-list" data-kbd-list>
        {data.map((w) => (
          <li key={w.id} className="space-y-2 px-4 py-3" data-testid="workflow-row" data-kbd-item data-workflow-id={w.id}>
            <div className="flex items-center justify-between gap-3">
              <Link href={`/projects/${projectId}/workflows/${w.id}`} className="min-w-0 truncate text-sm font-medium text-zinc-900 hover:text-indigo-700 hover:underline dark:text-zinc-100 dark:hover:text-indigo-300">
                {w.name}
              </Link>
              <div className="flex shrink-0 items-center gap-3 text-xs text-zinc-500 dark:text-zinc-400">
                <RelativeTime iso={w.created_at} />
                <AgentOfflineBadge workflow={w} />
                <WorkflowStatusBadge status={w.status} testId="workflow-row-status" />
              </div>
            </div>
            <WorkflowProgressBar workflow={w} compact />
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function WorkflowsView({ projectId }: { projectId: string }) {
  return (
    <ProjectGate id={projectId} loading={<Skeleton className="h-8 w-64" />}>
      {(project) => (
        <div className="space-y-5" data-testid="workflows-view">
          <BackLink href={`/projects/${project.id}`}>{project.name}</BackLink>
          <h1 className="text-xl font-semibold tracking-tight">Workflows</h1>
          <List projectId={project.id} />
        </div>
      )}
    </ProjectGate>
  );
}
