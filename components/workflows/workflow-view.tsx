"use client";
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { Ban, Bot, ListChecks, ScrollText, SearchX, TriangleAlert, Unplug } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import type { WorkflowDetail } from "@/lib/contract";
import { can, type Project } from "@/lib/client/types";
import { useCancelWorkflow, useWorkflow } from "@/lib/client/workflows/hooks";
import { isActiveWorkflow } from "@/lib/client/workflows/cache";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { CopyButton } from "@/components/ui/copy-button";
import { Skeleton } from "@/components/ui/skeleton";
import { BackLink, ProjectGate } from "@/components/shared/project-gate";
import { AgentEvent } from "./agent-event";
import { AgentOfflineBadge, WorkflowProgressBar, WorkflowStatusBadge } from "./workflow-bits";

function Steps({ w }: { w: WorkflowDetail }) {
  if (!w.steps.length) return <p className="text-xs text-zinc-500 dark:text-zinc-400">No steps reported yet.</p>;
  return (
    <ol className="space-y-2">
      {w.steps.map((s, i) => {
        const current = i === w.steps.length - 1 && w.status === "running";
        return (
          <li key={`${s.step}-${s.at}-${i}`} data-testid="workflow-step" data-step={s.step} data-current={current || undefined} className="flex items-start gap-2.5">
            <span className={`mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full text-[11px] font-semibold ${current ? "bg-indigo-600 text-white" : "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"}`}>
              {s.step}
            </span>
            <div className="min-w-0 flex-1">
              <p className="truncate text-[13px] text-zinc-900 dark:text-zinc-100">{s.name ?? `Step ${s.step}`}</p>
              <p className="text-[11px] text-zinc-500 dark:text-zinc-400">
                {s.progress}% · <RelativeTime iso={s.at} />
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function Logs({ lines }: { lines: string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [lines.length]);
  if (!lines.length) return <p className="px-4 py-3 text-xs text-zinc-500 dark:text-zinc-400">No log lines yet.</p>;
  return (
    <div ref={ref} className="max-h-80 overflow-auto bg-zinc-950 px-4 py-3 font-mono text-xs leading-5 text-zinc-200" data-testid="workflow-logs">
      {lines.map((l, i) => (
        <div key={i} data-testid="workflow-log" className="break-all whitespace-pre-wrap">
          {l}
        </div>
      ))}
    </div>
  );
}

function AgentActivity({ w }: { w: WorkflowDetail }) {
  const agentEvents = w.events.filter((e) => e.type.startsWith("agent:"));
  const ref = useRef<HTMLUListElement>(null);
  useEffect(() => {
    ref.current?.lastElementChild?.scrollIntoView?.({ block: "nearest" });
  }, [agentEvents.length]);
  return (
    <Card>
      <CardHeader title="Agent activity" icon={<Bot />} actions={<span className="text-xs text-zinc-500">{agentEvents.length} events</span>} />
      {agentEvents.length ? (
        <ul ref={ref} className="max-h-[32rem] divide-y divide-zinc-100 overflow-auto px-4 dark:divide-zinc-800" data-testid="agent-events">
          {agentEvents.map((e) => (
            <AgentEvent key={e.id} env={e} />
          ))}
        </ul>
      ) : (
        <EmptyState compact icon={<Bot />} title="No agent events yet" data-testid="agent-events-empty">
          Thoughts, tool calls and results of the agent appear here as they happen.
        </EmptyState>
      )}
    </Card>
  );
}

/** Members' Cancel: asks first (the agent is told to stop), then POST /workflows/{id}/cancel. */
function CancelWorkflowButton({ w }: { w: WorkflowDetail }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancel = useCancelWorkflow(w.id);
  // (Rendered only while the workflow is active: should it finish meanwhile, this and its dialog go away.)
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => { setError(null); setOpen(true); }} data-testid="cancel-workflow-button" title="Stop this workflow; its agent is told to stop">
        <Ban className="size-3.5" />
        Cancel workflow
      </Button>
      <Dialog
        open={open}
        onOpenChange={(o) => {
          setError(null);
          setOpen(o);
        }}
        size="sm"
        title={`Cancel “${w.name}”?`}
        description={w.agent_id ? "It ends cancelled and its agent is told to stop. Progress and logs so far are kept." : "It ends cancelled. Progress and logs so far are kept."}
        data-testid="cancel-workflow-dialog"
      >
        {error && (
          <p role="alert" className="text-[13px] text-red-700 dark:text-red-300" data-testid="cancel-workflow-error">
            {error}
          </p>
        )}
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={cancel.isPending}>
            Keep running
          </Button>
          <Button
            variant="danger"
            data-testid="confirm-cancel-workflow"
            loading={cancel.isPending}
            onClick={() => cancel.mutate(undefined, { onSuccess: () => setOpen(false), onError: (e) => setError(e.message) })}
          >
            Cancel workflow
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

function Detail({ w, project }: { w: WorkflowDetail; project: Project }) {
  const projectId = project.id;
  return (
    <div className="space-y-5" data-testid="workflow-view" data-workflow-id={w.id} data-status={w.status}>
      <BackLink href={`/projects/${projectId}/workflows`} testId="back-to-workflows">
        All workflows
      </BackLink>
      <div className="flex flex-wrap items-center gap-2.5">
        <h1 className="truncate text-xl font-semibold tracking-tight" data-testid="workflow-name">
          {w.name}
        </h1>
        <WorkflowStatusBadge status={w.status} />
        {w.trace_id && (
          <Link href={`/projects/${project.id}/traces/${w.trace_id}`} className="text-xs underline" data-testid="workflow-trace-link">
            Trace
          </Link>
        )}
        <CopyButton value={w.id} label="Copy the workflow id" data-testid="copy-workflow-id" />
        <AgentOfflineBadge workflow={w} />
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          started <RelativeTime iso={w.created_at} />
          {w.finished_at && (
            <>
              {" "}· finished <RelativeTime iso={w.finished_at} />
            </>
          )}
        </span>
        {can(project.role).edit && isActiveWorkflow(w) && (
          <div className="ml-auto">
            <CancelWorkflowButton w={w} />
          </div>
        )}
      </div>
      <Card>
        <CardBody className="space-y-3 py-4">
          <WorkflowProgressBar workflow={w} />
          {w.agent_status === "offline" && isActiveWorkflow(w) && (
            <p className="flex items-center gap-2 rounded border border-amber-200 bg-amber-50 px-3 py-2 text-[13px] text-amber-800 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200" data-testid="workflow-agent-offline-note">
              <Unplug className="size-4 shrink-0" aria-hidden />
              Its agent is offline: nothing may be working on this workflow. It ends as stale when no update comes in time, or cancel it.
            </p>
          )}
          {w.status === "cancelled" && (
            <p className="rounded border border-zinc-200 bg-zinc-50 px-3 py-2 text-[13px] text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800/50 dark:text-zinc-200" data-testid="workflow-cancelled">
              {w.error ?? "Cancelled"}
            </p>
          )}
          {w.status === "failed" && w.error && (
            <p className="rounded border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-700 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300" data-testid="workflow-failure" data-reason={w.reason ?? undefined}>
              {w.reason === "stale" && <span className="font-medium">Stale: </span>}
              {w.error}
            </p>
          )}
          {w.status === "completed" && w.result !== null && w.result !== undefined && (
            <pre className="max-h-40 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-950" data-testid="workflow-result">
              {typeof w.result === "string" ? w.result : JSON.stringify(w.result, null, 2)}
            </pre>
          )}
        </CardBody>
      </Card>
      <div className="grid grid-cols-1 items-start gap-5 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <AgentActivity w={w} />
        </div>
        <div className="min-w-0 space-y-5">
          <Card>
            <CardHeader title="Steps" icon={<ListChecks />} />
            <CardBody>
              <Steps w={w} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Errors" icon={<TriangleAlert />} actions={<span className="text-xs text-zinc-500">{w.errors.length}</span>} />
            <CardBody>
              {w.errors.length ? (
                <ul className="space-y-1.5">
                  {w.errors.map((e, i) => (
                    <li key={i} data-testid="workflow-error" className="text-[13px] break-words text-red-700 dark:text-red-300">
                      {e}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-xs text-zinc-500 dark:text-zinc-400">No errors.</p>
              )}
            </CardBody>
          </Card>
        </div>
      </div>
      <Card className="overflow-hidden">
        <CardHeader title="Logs" icon={<ScrollText />} actions={<span className="text-xs text-zinc-500">{w.logs.length} lines</span>} />
        <Logs lines={w.logs} />
      </Card>
    </div>
  );
}

function Loaded({ project, workflowId }: { project: Project; workflowId: string }) {
  const projectId = project.id;
  const { data, error, isPending, refetch, isRefetching } = useWorkflow(workflowId);
  if (isPending) {
    return (
      <div className="space-y-4" aria-busy data-testid="workflow-loading">
        <Skeleton className="h-7 w-72" />
        <Skeleton className="h-16 w-full" />
      </div>
    );
  }
  if (isApiError(error, 404) || (data && data.project_id !== projectId)) {
    return (
      <Card>
        <EmptyState icon={<SearchX />} title="Workflow not found" data-testid="workflow-not-found">
          It does not exist, or it belongs to a project you cannot see.
        </EmptyState>
      </Card>
    );
  }
  if (!data) return <Card><ErrorState title="Could not load this workflow" error={error} onRetry={() => void refetch()} retrying={isRefetching} /></Card>;
  return <Detail w={data} project={project} />;
}

export function WorkflowView({ projectId, workflowId }: { projectId: string; workflowId: string }) {
  return (
    <ProjectGate id={projectId} loading={<Skeleton className="h-8 w-64" />}>
      {(project) => <Loaded project={project} workflowId={workflowId} />}
    </ProjectGate>
  );
}
