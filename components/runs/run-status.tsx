import { Ban, CircleCheck, CircleMinus, CircleX, Clock, TimerOff, TriangleAlert } from "lucide-react";
import clsx from "clsx";
import { Badge, type Tone } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/spinner";
import { STATUS_LABEL, type ResultStatus, type RunStatus } from "@/lib/client/runs/api";

export const STATUS_TONE: Record<RunStatus, Tone> = {
  queued: "neutral",
  running: "indigo",
  cancelling: "amber",
  passed: "green",
  failed: "red",
  error: "red",
  cancelled: "neutral",
  timed_out: "amber",
};

export function RunStatusIcon({ status, className = "size-3.5" }: { status: RunStatus; className?: string }) {
  switch (status) {
    case "queued":
      return <Clock className={className} aria-hidden />;
    case "running":
    case "cancelling":
      return <Spinner className={className} />;
    case "passed":
      return <CircleCheck className={className} aria-hidden />;
    case "failed":
      return <CircleX className={className} aria-hidden />;
    case "error":
      return <TriangleAlert className={className} aria-hidden />;
    case "cancelled":
      return <Ban className={className} aria-hidden />;
    case "timed_out":
      return <TimerOff className={className} aria-hidden />;
  }
}

/**
 * The run's status as a badge. The `run-status` element's text is the status itself ("timed_out");
 * people read the label next to it.
 */
export function RunStatusBadge({ status, className, testId = "run-status" }: { status: RunStatus; className?: string; testId?: string }) {
  return (
    <Badge tone={STATUS_TONE[status]} className={className}>
      <RunStatusIcon status={status} className="size-3" />
      <span data-testid={testId} data-status={status} className="sr-only">
        {status}
      </span>
      <span aria-hidden>{STATUS_LABEL[status]}</span>
    </Badge>
  );
}

export function ResultIcon({ status, className = "size-4" }: { status: ResultStatus; className?: string }) {
  if (status === "passed") return <CircleCheck className={clsx(className, "text-emerald-600 dark:text-emerald-400")} aria-label="passed" />;
  if (status === "failed") return <CircleX className={clsx(className, "text-red-600 dark:text-red-400")} aria-label="failed" />;
  return <CircleMinus className={clsx(className, "text-zinc-400 dark:text-zinc-500")} aria-label="skipped" />;
}
