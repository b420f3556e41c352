"use client";
import Link from "next/link";
import { ArrowRight, FlaskConical } from "lucide-react";
import { useRealtime } from "@/lib/client/realtime";
import { isFinished, runTitle, type TestRun } from "@/lib/client/runs/api";
import { useRunCounts, useTestRuns } from "@/lib/client/runs/hooks";
import type { Project } from "@/lib/client/types";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { RunCounts } from "./run-counts";
import { RunDuration, RunStarter } from "./run-meta";
import { RunProgressBar } from "./run-progress";
import { RunStatusBadge } from "./run-status";
import { RunTestsButton, whyNoRun } from "./run-tests-button";

/** The project page's view of testing: the latest run, live, and the way to all of them. */
export function LatestRunCard({ project }: { project: Project }) {
  const { me } = useRealtime();
  const { data, error, isPending } = useTestRuns(project.id);
  const runsHref = `/projects/${project.id}/runs`;
  const latest = data?.[0];

  const allRuns = (
    <Link href={runsHref} data-testid="all-runs-link" className="inline-flex items-center gap-1 text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
      All runs
      <ArrowRight className="size-3" />
    </Link>
  );

  let body: React.ReactNode;
  if (isPending) {
    body = (
      <div className="space-y-2" aria-busy>
        <Skeleton className="h-4 w-40" />
        <Skeleton className="h-3 w-56" />
      </div>
    );
  } else if (error && !data) {
    body = <p className="text-[13px] text-red-600 dark:text-red-400">Could not load the test runs: {error.message}</p>;
  } else if (!latest) {
    const reason = whyNoRun(project);
    body = (
      <div className="space-y-3">
        <div>
          <p className="text-[13px] font-medium text-zinc-700 dark:text-zinc-300">No test runs yet</p>
          <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
            {reason ?? "Run the project's test command; results stream here as each test finishes."}
          </p>
        </div>
        {!reason && <RunTestsButton project={project} size="sm" showReason={false} className="!items-start" />}
      </div>
    );
  } else {
    return <LatestRun run={latest} me={me} runsHref={runsHref} allRuns={allRuns} />;
  }

  return (
    <Card data-testid="latest-run-card">
      <CardHeader title="Latest test run" icon={<FlaskConical />} actions={allRuns} />
      <CardBody>{body}</CardBody>
    </Card>
  );
}

/** The latest run: status, live counts (and progress while it goes), who and when. */
function LatestRun({ run: latest, me, runsHref, allRuns }: { run: TestRun; me: string; runsHref: string; allRuns: React.ReactNode }) {
  const active = !isFinished(latest.status);
  const counts = useRunCounts(latest);
  const done = counts.passed + counts.failed + counts.skipped;
  const total = latest.total;
  return (
    <Card data-testid="latest-run-card" data-run-id={latest.id}>
      <CardHeader title="Latest test run" icon={<FlaskConical />} actions={allRuns} />
      <CardBody className="space-y-2.5">
        <div className="flex items-center justify-between gap-2">
          <Link href={`${runsHref}/${latest.id}`} className="min-w-0 truncate text-[13px] font-medium text-zinc-900 hover:text-indigo-700 hover:underline dark:text-zinc-100 dark:hover:text-indigo-300" data-testid="latest-run-link">
            {runTitle(latest)}
          </Link>
          <RunStatusBadge status={latest.status} />
        </div>
        {latest.status !== "queued" && (active || counts.passed + counts.failed + counts.skipped > 0) && (
          <RunProgressBar
            compact
            status={latest.status}
            failedSoFar={counts.failed}
            counts={counts}
            progress={{ done, total, percentage: total ? Math.min(100, Math.round((done / total) * 100)) : null }}
          />
        )}
        {latest.status === "queued" ? <p className="text-xs text-zinc-500 dark:text-zinc-400">Waiting for a free runner…</p> : <RunCounts counts={counts} />}
        {latest.status === "error" && latest.error && (
          <p className="line-clamp-2 text-xs text-red-600 dark:text-red-400" title={latest.error}>
            {latest.error}
          </p>
        )}
        <p className="flex flex-wrap items-center gap-x-1.5 text-xs text-zinc-500 dark:text-zinc-400">
          <RunStarter run={latest} me={me} />
          <span aria-hidden>·</span>
          <RelativeTime iso={latest.created_at} />
          <span aria-hidden>·</span>
          <RunDuration run={latest} />
        </p>
      </CardBody>
    </Card>
  );
}
