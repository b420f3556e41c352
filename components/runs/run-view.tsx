"use client";
import Link from "next/link";
import { CircleStop, FlaskConical, SearchX, Terminal } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { useRealtime } from "@/lib/client/realtime";
import { runTitle, shortId } from "@/lib/client/runs/api";
import { useCancelRun, useTestRun, type LiveRun } from "@/lib/client/runs/hooks";
import { can, type Project } from "@/lib/client/types";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { CopyButton } from "@/components/ui/copy-button";
import { BackLink, ProjectGate } from "@/components/shared/project-gate";
import { RunAnnouncer, RunBanner } from "./run-banner";
import { RunCounts } from "./run-counts";
import { RunLog } from "./run-log";
import { LiveDot, RunDuration, RunReader, RunStarter } from "./run-meta";
import { RunProgressBar } from "./run-progress";
import { RunResults } from "./run-results";
import { RunStatusBadge } from "./run-status";

function CancelButton({ run }: { run: LiveRun }) {
  const cancel = useCancelRun(run);
  const cancelling = run.status === "cancelling";
  return (
    <Button
      variant="secondary"
      size="sm"
      data-testid="cancel-run-button"
      className="hover:!border-red-300 hover:!text-red-700 dark:hover:!border-red-500/40 dark:hover:!text-red-300"
      loading={cancel.isPending || cancelling}
      title={cancelling ? "Stopping the command…" : "Stop the command; results so far are kept"}
      onClick={() => cancel.mutate()}
    >
      {!(cancel.isPending || cancelling) && <CircleStop className="size-3.5" />}
      {cancelling ? "Cancelling…" : "Cancel run"}
    </Button>
  );
}

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 truncate text-[13px] text-zinc-800 dark:text-zinc-200">{children}</dd>
    </div>
  );
}

function RunDetail({ project, run, log, logDropped }: { project: Project; run: LiveRun; log: Parameters<typeof RunLog>[0]["lines"]; logDropped: number }) {
  const { me } = useRealtime();
  const active = !run.finished;
  const mayCancel = can(project.role).edit && active;
  return (
    <div className="space-y-5" data-testid="run-view" data-run-id={run.id}>
      <BackLink href={`/projects/${project.id}/runs`} testId="back-to-runs">
        All runs of {project.name}
      </BackLink>

      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2.5">
            <h1 className="truncate text-xl font-semibold tracking-tight" data-testid="run-title">
              {runTitle(run)}
            </h1>
            <RunStatusBadge status={run.status} />
            <CopyButton value={run.id} label="Copy the run id" data-testid="copy-run-id" />
            <LiveDot>{active ? undefined : "Finished"}</LiveDot>
          </div>
          {run.command && (
            <p className="flex min-w-0 items-center gap-1.5 text-zinc-500 dark:text-zinc-400" title="Command">
              <Terminal className="size-3.5 shrink-0" />
              <code className="truncate font-mono text-xs">{run.command}</code>
              <CopyButton value={run.command} label="Copy the command" data-testid="copy-command" />
            </p>
          )}
        </div>
        {mayCancel && <CancelButton run={run} />}
      </div>

      <RunBanner run={run} />
      <RunAnnouncer run={run} />

      <Card>
        <CardBody className="space-y-4 py-4">
          <RunProgressBar progress={run.progress} status={run.status} failedSoFar={run.failed} counts={run} />
          <div className="flex flex-wrap items-end justify-between gap-4">
            <RunCounts counts={run} size="md" />
            <dl className="grid grid-cols-2 gap-x-8 gap-y-2 sm:grid-cols-5">
              <Meta label="Duration">
                <RunDuration run={run} />
              </Meta>
              <Meta label="Started by">
                <RunStarter run={run} me={me} />
              </Meta>
              <Meta label="Created">
                <RelativeTime iso={run.created_at} />
              </Meta>
              <Meta label="Read by">
                <RunReader run={run} />
              </Meta>
              <Meta label="Trace">
                <span className="inline-flex items-center gap-1">
                  {run.trace_id ? (
                    <Link href={`/projects/${project.id}/traces/${run.trace_id}`} className="font-mono text-xs underline" title={`Trace ${run.trace_id}`} data-testid="run-trace-link">
                      {shortId(run.trace_id)}
                    </Link>
                  ) : (
                    <span className="font-mono text-xs">—</span>
                  )}
                  {run.trace_id && <CopyButton value={run.trace_id} label="Copy the trace id" data-testid="copy-trace-id" />}
                </span>
              </Meta>
            </dl>
          </div>
        </CardBody>
      </Card>

      <div className="grid grid-cols-1 items-start gap-5 xl:grid-cols-5">
        <div className="min-w-0 xl:col-span-3">
          <RunResults results={run.results} running={active} />
        </div>
        <div className="min-w-0 xl:col-span-2">
          <RunLog runId={run.id} lines={log} dropped={logDropped} running={active} queued={run.status === "queued"} />
        </div>
      </div>
    </div>
  );
}

function RunPage({ project, runId }: { project: Project; runId: string }) {
  const { run, job, error, isPending, refetch, isRefetching } = useTestRun(runId);
  if ((isApiError(error, 404) && !run) || (run && run.project_id !== project.id)) {
    return (
      <Card data-testid="run-not-found">
        <EmptyState icon={<SearchX />} title="Test run not found" action={<BackLink href={`/projects/${project.id}/runs`}>All runs of {project.name}</BackLink>}>
          It does not exist in this project. It may have been removed along with an older project.
        </EmptyState>
      </Card>
    );
  }
  if (isPending) return <RunSkeleton />;
  if (!run) {
    return (
      <Card>
        <ErrorState title="Could not load this run" error={error} onRetry={() => void refetch()} retrying={isRefetching} />
      </Card>
    );
  }
  return <RunDetail project={project} run={run} log={job.log} logDropped={job.logDropped} />;
}

function RunSkeleton() {
  return (
    <div className="space-y-5" aria-busy data-testid="run-loading">
      <Skeleton className="h-4 w-40" />
      <div className="flex items-center gap-3">
        <FlaskConical className="size-5 text-zinc-300 dark:text-zinc-700" />
        <Skeleton className="h-6 w-56" />
      </div>
      <Skeleton className="h-28" />
      <div className="grid gap-5 xl:grid-cols-5">
        <Skeleton className="h-72 xl:col-span-3" />
        <Skeleton className="h-72 xl:col-span-2" />
      </div>
    </div>
  );
}

export function RunView({ projectId, runId }: { projectId: string; runId: string }) {
  return (
    <ProjectGate id={projectId} loading={<RunSkeleton />}>
      {(project) => <RunPage project={project} runId={runId} />}
    </ProjectGate>
  );
}
