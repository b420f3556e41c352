"use client";
import Link from "next/link";
import { ArrowRight, Workflow as WorkflowIcon } from "lucide-react";
import { useWorkflows } from "@/lib/client/workflows/hooks";
import { isActiveWorkflow } from "@/lib/client/workflows/cache";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { AgentOfflineBadge, WorkflowProgressBar, WorkflowStatusBadge } from "./workflow-bits";

/** The project page's live card: running workflows first, then the most recent ones. */
export function WorkflowsCard({ projectId }: { projectId: string }) {
  const { data, error, isPending } = useWorkflows(projectId);
  const href = `/projects/${projectId}/workflows`;
  const shown = data ? [...data.filter(isActiveWorkflow), ...data.filter((w) => !isActiveWorkflow(w))].slice(0, 4) : [];
  let body: React.ReactNode;
  if (isPending) {
    body = (
      <div className="space-y-2" aria-busy>
        <Skeleton className="h-4 w-40" />
        <Skeleton className="h-3 w-56" />
      </div>
    );
  } else if (error && !data) {
    body = <p className="text-[13px] text-red-600 dark:text-red-400">Could not load the workflows: {error.message}</p>;
  } else if (!shown.length) {
    body = (
      <>
        <p className="text-[13px] font-medium text-zinc-700 dark:text-zinc-300">No workflows yet</p>
        <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">Agent workflows on this project appear here with their progress.</p>
      </>
    );
  } else {
    body = (
      <ul className="space-y-3">
        {shown.map((w) => (
          <li key={w.id} data-testid="workflow-card-item" data-workflow-id={w.id} className="space-y-1.5">
            <div className="flex items-center justify-between gap-2">
              <Link href={`${href}/${w.id}`} className="min-w-0 truncate text-[13px] font-medium text-zinc-900 hover:text-indigo-700 hover:underline dark:text-zinc-100 dark:hover:text-indigo-300">
                {w.name}
              </Link>
              <span className="flex shrink-0 items-center gap-1.5">
                <AgentOfflineBadge workflow={w} />
                <WorkflowStatusBadge status={w.status} testId="workflow-card-status" />
              </span>
            </div>
            {isActiveWorkflow(w) ? <WorkflowProgressBar workflow={w} compact /> : <RelativeTime iso={w.finished_at ?? w.updated_at} className="text-xs text-zinc-500 dark:text-zinc-400" />}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <Card data-testid="workflows">
      <CardHeader
        title="Workflows"
        icon={<WorkflowIcon />}
        actions={
          <Link href={href} data-testid="all-workflows-link" className="inline-flex items-center gap-1 text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            All workflows
            <ArrowRight className="size-3" />
          </Link>
        }
      />
      <CardBody>{body}</CardBody>
    </Card>
  );
}
