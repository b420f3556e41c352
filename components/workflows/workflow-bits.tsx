import { CircleCheck, CircleX } from "lucide-react";
import clsx from "clsx";
import { Badge, type Tone } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/spinner";
import type { Workflow, WorkflowStatus } from "@/lib/contract";

const TONE: Record<WorkflowStatus, Tone> = { running: "indigo", completed: "green", failed: "red" };
const LABEL: Record<WorkflowStatus, string> = { running: "Running", completed: "Completed", failed: "Failed" };

/** The status badge; `data-status` holds the raw status. */
export function WorkflowStatusBadge({ status, testId = "workflow-status" }: { status: WorkflowStatus; testId?: string }) {
  return (
    <Badge tone={TONE[status] ?? "neutral"} data-testid={testId} data-status={status}>
      {status === "running" ? <Spinner className="size-3" /> : status === "completed" ? <CircleCheck className="size-3" aria-hidden /> : <CircleX className="size-3" aria-hidden />}
      {LABEL[status] ?? status}
    </Badge>
  );
}

export function stepCaption(w: Pick<Workflow, "current_step" | "total_steps" | "step_name">) {
  const n = w.total_steps ? `Step ${w.current_step} of ${w.total_steps}` : w.current_step ? `Step ${w.current_step}` : null;
  return [n, w.step_name].filter(Boolean).join(" · ") || "Not started";
}

/** A determinate bar: `data-percentage` is the progress (0–100). */
export function WorkflowProgressBar({ workflow: w, compact = false }: { workflow: Workflow; compact?: boolean }) {
  const colour = w.status === "failed" ? "bg-red-500" : w.status === "completed" ? "bg-emerald-500" : "bg-indigo-500";
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
        <span className="tabular-nums">{w.progress}%</span>
      </p>
    </div>
  );
}
