import { Ban, CircleCheck, CircleDashed, CircleX, Unplug } from "lucide-react";
import clsx from "clsx";
import { Badge, type Tone } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/spinner";
import type { Workflow, WorkflowStatus } from "@/lib/contract";

const TONE: Record<WorkflowStatus, Tone> = { pending: "neutral", running: "indigo", completed: "green", failed: "red", cancelled: "neutral" };
const LABEL: Record<WorkflowStatus, string> = { pending: "Pending", running: "Running", completed: "Completed", failed: "Failed", cancelled: "Cancelled" };
const ICON: Partial<Record<WorkflowStatus, typeof Ban>> = { pending: CircleDashed, completed: CircleCheck, failed: CircleX, cancelled: Ban };

/** The status badge; `data-status` holds the raw status. */
export function WorkflowStatusBadge({ status, testId = "workflow-status" }: { status: WorkflowStatus; testId?: string }) {
  return (
    <Badge tone={TONE[status] ?? "neutral"} data-testid={testId} data-status={status}>
      {status === "running" ? <Spinner className="size-3" /> : (() => {
        const Icon = ICON[status] ?? CircleX;
        return <Icon className="size-3" aria-hidden />;
      })()}
      {LABEL[status] ?? status}
    </Badge>
  );
}

/** Shown while a pending or running workflow's agent is offline: nobody may be working on it. */
export function AgentOfflineBadge({ workflow: w }: { workflow: Workflow }) {
  if (w.agent_status !== "offline" || !(w.status === "pending" || w.status === "running")) return null;
  return (
    <Badge tone="amber" data-testid="workflow-agent-offline" title="The agent reporting this workflow disconnected; it may not be working on it any more">
      <Unplug className="size-3" aria-hidden />
      Agent offline
    </Badge>
  );
}

/** "about 2 min left" from estimated_time_remaining (seconds). */
export function formatRemaining(s: number): string {
  if (s < 60) return `about ${Math.max(1, s)} s left`;
  if (s < 3600) return `about ${Math.round(s / 60)} min left`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return `about ${h} h${m ? ` ${m} min` : ""} left`;
}

export function stepCaption(w: Pick<Workflow, "current_step" | "total_steps" | "step_name">) {
  const n = w.total_steps ? `Step ${w.current_step} of ${w.total_steps}` : w.current_step ? `Step ${w.current_step}` : null;
  return [n, w.step_name].filter(Boolean).join(" · ") || "Not started";
}

/** A determinate bar: `data-percentage` is the progress (0–100). */
/** The estimate made at the last update, less the time since (null when unknown or already past). */
function remainingNow(w: Workflow): number | null {
  if (w.status !== "running" || w.estimated_time_remaining === null || w.estimated_time_remaining === undefined) return null;
  const left = w.estimated_time_remaining - Math.max(0, (Date.now() - Date.parse(w.updated_at)) / 1000);
  return left > 0 ? Math.round(left) : null;
}

export function WorkflowProgressBar({ workflow: w, compact = false }: { workflow: Workflow; compact?: boolean }) {
  const left = remainingNow(w);
  const colour = w.status === "failed" ? "bg-red-500" : w.status === "completed" ? "bg-emerald-500" : w.status === "running" ? "bg-indigo-500" : "bg-zinc-400 dark:bg-zinc-600";
  return (
    <div data-testid="workflow-progress" data-percentage={w.progress} className="space-y-1">
      <div
        role="progressbar"
        aria-label="Workflow progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={w.progress}
        className={clsx("relative w-full overflow-hidden rounded-full bg-zinc-200/80 dark:bg-zinc-800", compact ? "h-1.5" : "h-2")}
      >
        <div className={clsx("h-full rounded-full transition-[width] duration-300", colour)} style={{ width: `${w.progress}%` }} />
      </div>
      <p className="flex justify-between gap-2 text-xs text-zinc-500 dark:text-zinc-400">
        <span className="truncate" data-testid="workflow-step-caption">
          {stepCaption(w)}
        </span>
        <span className="flex shrink-0 gap-2 tabular-nums">
          {left !== null && (
            <span data-testid="workflow-eta" data-seconds={w.estimated_time_remaining}>
              {formatRemaining(left)} ·
            </span>
          )}
          {w.progress}%
        </span>
      </p>
    </div>
  );
}
