import clsx from "clsx";
import type { RunStatus } from "@/lib/client/runs/api";
import type { RunProgress } from "@/lib/client/runs/hooks";

/** Keyframes for the indeterminate bar (React hoists and dedupes this <style>; globals.css stays shared). */
const KEYFRAMES = "@keyframes run-indeterminate { 0% { left: -35%; } 100% { left: 100%; } }";

const BAR: Partial<Record<RunStatus, string>> = {
  passed: "bg-emerald-500",
  failed: "bg-red-500",
  error: "bg-red-500",
  timed_out: "bg-amber-500",
  cancelled: "bg-zinc-400 dark:bg-zinc-600",
  cancelling: "bg-amber-500",
};

type Counts = { passed: number; failed: number; skipped: number };

const SEGMENTS: { key: keyof Counts; className: string; word: string }[] = [
  { key: "passed", className: "bg-emerald-500", word: "passed" },
  { key: "failed", className: "bg-red-500", word: "failed" },
  { key: "skipped", className: "bg-zinc-400 dark:bg-zinc-500", word: "skipped" },
];

/**
 * A determinate bar when the total is known, else an indeterminate one with "N tests done". With `counts`
 * the bar is split by outcome (passed / failed / skipped, in that order) over the total, or over the
 * results once finished without a known total. `data-percentage` is the number, or empty while indeterminate.
 */
export function RunProgressBar({
  progress,
  status,
  failedSoFar,
  counts,
  compact = false,
}: {
  progress: RunProgress;
  status: RunStatus;
  failedSoFar: number;
  counts?: Counts;
  compact?: boolean;
}) {
  const { percentage, done, total } = progress;
  const finished = percentage === 100 && !["queued", "running", "cancelling"].includes(status);
  const indeterminate = percentage === null && (status === "running" || status === "cancelling");
  const colour = BAR[status] ?? (failedSoFar > 0 ? "bg-red-500" : "bg-indigo-500");
  const counted = counts ? counts.passed + counts.failed + counts.skipped : 0;
  const segmented = !!counts && counted > 0 && !indeterminate && status !== "queued";
  const over = Math.max(total ?? 0, counted, 1);
  const caption =
    status === "queued"
      ? "Waiting for a free runner…"
      : finished
        ? `${done} ${done === 1 ? "test" : "tests"} ran`
        : total
        ? `${done} of ${total} tests done`
        : `${done} ${done === 1 ? "test" : "tests"} done`;
  const valueText = counts && counted > 0 ? `${caption}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : caption;
  return (
    <div data-testid="run-progress" data-percentage={percentage ?? ""} data-indeterminate={indeterminate || undefined} data-segmented={segmented || undefined} className="space-y-1.5">
      <style href="run-indeterminate" precedence="default">
        {KEYFRAMES}
      </style>
      <div
        role="progressbar"
        aria-label="Test run progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percentage ?? undefined}
        aria-valuetext={valueText}
        className={clsx("relative w-full overflow-hidden rounded-full bg-zinc-200/80 dark:bg-zinc-800", compact ? "h-1.5" : "h-2")}
      >
        {indeterminate || status === "queued" ? (
          <div className={clsx("absolute inset-y-0 w-1/3 rounded-full", status === "queued" ? "bg-zinc-300 dark:bg-zinc-700" : colour, "animate-[run-indeterminate_1.4s_ease-in-out_infinite]")} />
        ) : segmented ? (
          <div className="flex h-full w-full">
            {SEGMENTS.map(({ key, className, word }) =>
              counts[key] > 0 ? (
                <div
                  key={key}
                  data-testid={`progress-${key}`}
                  data-count={counts[key]}
                  title={`${counts[key]} ${word}`}
                  className={clsx("h-full transition-[width] duration-500 ease-out not-last:border-r not-last:border-white/70 dark:not-last:border-zinc-900/70", className)}
                  style={{ width: `${(counts[key] / over) * 100}%` }}
                />
              ) : null,
            )}
          </div>
        ) : (
          <div className={clsx("h-full rounded-full transition-[width] duration-500 ease-out", colour)} style={{ width: `${percentage ?? 0}%` }} />
        )}
      </div>
      {!compact && (
        <div className="flex items-center justify-between text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
          <span>{caption}</span>
          {percentage !== null && !finished && <span>{percentage}%</span>}
        </div>
      )}
    </div>
  );
}
