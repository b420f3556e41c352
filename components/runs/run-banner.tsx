import { Ban, CircleCheck, CircleX, TimerOff, TriangleAlert } from "lucide-react";
import clsx from "clsx";
import { useState } from "react";
import { formatDuration, type RunStatus } from "@/lib/client/runs/api";
import type { LiveRun } from "@/lib/client/runs/hooks";

const LOOK: Partial<Record<RunStatus, { icon: typeof Ban; className: string }>> = {
  passed: { icon: CircleCheck, className: "border-emerald-200 bg-emerald-50 text-emerald-900 dark:border-emerald-500/25 dark:bg-emerald-500/10 dark:text-emerald-200" },
  failed: { icon: CircleX, className: "border-red-200 bg-red-50 text-red-900 dark:border-red-500/25 dark:bg-red-500/10 dark:text-red-200" },
  error: { icon: TriangleAlert, className: "border-red-200 bg-red-50 text-red-900 dark:border-red-500/25 dark:bg-red-500/10 dark:text-red-200" },
  cancelled: { icon: Ban, className: "border-zinc-200 bg-zinc-50 text-zinc-800 dark:border-zinc-700 dark:bg-zinc-800/50 dark:text-zinc-200" },
  timed_out: { icon: TimerOff, className: "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-500/25 dark:bg-amber-500/10 dark:text-amber-200" },
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function words(run: LiveRun): { title: string; detail: string | null } {
  const ran = run.passed + run.failed + run.skipped;
  const took = formatDuration(run.duration_ms);
  const soFar = ran ? `The ${plural(ran, "result")} reported before that are kept below.` : "No test had finished by then.";
  switch (run.status) {
    case "passed":
      return { title: `All ${plural(run.passed, "test")} passed${run.skipped ? ` (${run.skipped} skipped)` : ""}`, detail: `Finished in ${took}.` };
    case "failed":
      return {
        title: `${run.failed} of ${plural(ran, "test")} failed`,
        detail: [run.error, `Finished in ${took}${run.exit_code !== null ? `, exit code ${run.exit_code}` : ""}.`].filter(Boolean).join(" · "),
      };
    case "error":
      return {
        title: "The run could not complete",
        detail: `${run.error ?? "The command failed before reporting results."}${run.exit_code !== null && !run.error?.includes(String(run.exit_code)) ? ` (exit code ${run.exit_code})` : ""}`,
      };
    case "cancelled":
      return { title: `Cancelled after ${took}`, detail: soFar };
    case "timed_out":
      return { title: "Timed out", detail: `${(run.error ?? "Stopped at the time limit").replace(/\.?$/, ".")} ${soFar}` };
    default:
      return { title: "", detail: null };
  }
}

/**
 * A screen-reader announcement (polite live region, present from the start so changes are read): each
 * failure as it arrives while the run is going, then how it ended.
 */
export function RunAnnouncer({ run }: { run: LiveRun }) {
  const [seen, setSeen] = useState({ status: run.status, failed: run.failed, message: "" });
  if (seen.status !== run.status || seen.failed !== run.failed) {
    let message = seen.message;
    if (LOOK[run.status] && seen.status !== run.status) {
      const { title } = words(run);
      message = `Run ${run.status.replace("_", " ")}: ${title}. ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped.`;
    } else if (run.failed > seen.failed) {
      const last = [...run.results].reverse().find((r) => r.status === "failed");
      message = `Test failed${last ? `: ${last.name}` : ""}. ${run.failed} failed so far.`;
    }
    setSeen({ status: run.status, failed: run.failed, message });
  }
  return (
    <p role="status" aria-live="polite" data-testid="run-announcer" className="sr-only">
      {seen.message}
    </p>
  );
}

/** How a finished run ended, in words. */
export function RunBanner({ run }: { run: LiveRun }) {
  const look = LOOK[run.status];
  if (!look) return null;
  const Icon = look.icon;
  const { title, detail } = words(run);
  return (
    <div data-testid="run-banner" data-status={run.status} className={clsx("flex items-start gap-3 rounded-lg border px-4 py-3", look.className)}>
      <Icon className="mt-0.5 size-5 shrink-0" aria-hidden />
      <div className="min-w-0">
        <p className="text-sm font-semibold">{title}</p>
        {detail && <p className="mt-0.5 text-[13px] break-words opacity-90">{detail}</p>}
      </div>
    </div>
  );
}
