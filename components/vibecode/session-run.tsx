"use client";
// A session's test run inline (apply and test): status, counts and results as they arrive, live for everyone on
// the page; when it fails, "Fix the failing tests" puts the failures into the prompt box as the next prompt.
import Link from "next/link";
import { FlaskConical, Wrench } from "lucide-react";
import { useTestRun } from "@/lib/client/runs/hooks";
import type { TestResult } from "@/lib/client/runs/api";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { RunCounts } from "@/components/runs/run-counts";
import { RunProgressBar } from "@/components/runs/run-progress";
import { RunResults } from "@/components/runs/run-results";
import { RunStatusBadge } from "@/components/runs/run-status";
import { RunReader } from "@/components/runs/run-meta";

const MAX_FAILURES = 10;
const MAX_ERROR_CHARS = 800;

/** The next prompt after a failed run: which tests failed and what they said. */
export function fixPrompt(failures: TestResult[], branch: string | null | undefined): string {
  const listed = failures.slice(0, MAX_FAILURES).map((f) => `- ${f.name}${f.error ? `:\n  ${f.error.slice(0, MAX_ERROR_CHARS).replace(/\n/g, "\n  ")}` : ""}`);
  const more = failures.length > MAX_FAILURES ? `\n… and ${failures.length - MAX_FAILURES} more` : "";
  return `Fix the failing tests${branch ? ` on ${branch}` : ""}. These tests failed:\n${listed.join("\n")}${more}`;
}

export function SessionRun({ runId, projectId, canAct, onFix }: { runId: string; projectId: string; canAct: boolean; onFix: (prompt: string) => void }) {
  const { run, error } = useTestRun(runId);
  if (!run) {
    return error ? (
      <p className="text-[13px] text-red-600 dark:text-red-400">Could not load the test run: {error.message}</p>
    ) : (
      <Skeleton className="h-20" />
    );
  }
  const failures = run.results.filter((r) => r.status === "failed");
  const failed = run.finished && (run.status === "failed" || run.status === "error" || run.status === "timed_out");
  return (
    <section className="space-y-3 rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900" data-testid="session-run" data-run-id={run.id} data-status={run.status}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex min-w-0 items-center gap-2">
          <FlaskConical className="size-4 shrink-0 text-zinc-500" />
          <Link href={`/projects/${projectId}/runs/${run.id}`} className="truncate text-[13px] font-medium hover:underline">
            Tests on {run.branch ?? "the session branch"}
            {run.commit && <span className="ml-1 font-mono text-xs text-zinc-500">@{run.commit.slice(0, 7)}</span>}
          </Link>
          <RunStatusBadge status={run.status} testId="session-run-status" />
        </div>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          read by <RunReader run={run} />
        </span>
      </div>
      <RunProgressBar progress={run.progress} status={run.status} failedSoFar={run.failed} compact />
      <RunCounts counts={run} />
      {run.results.length > 0 && <RunResults results={run.results} running={!run.finished} />}
      {run.finished && run.error && <p className="text-[13px] text-red-700 dark:text-red-300">{run.error}</p>}
      {failed && canAct && (
        <Button size="sm" variant="primary" data-testid="fix-tests-button" onClick={() => onFix(fixPrompt(failures, run.branch))}>
          <Wrench className="size-3.5" />
          Fix the failing tests
        </Button>
      )}
    </section>
  );
}
