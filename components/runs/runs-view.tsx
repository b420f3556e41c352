"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { FlaskConical, Terminal } from "lucide-react";
import { useRealtime } from "@/lib/client/realtime";
import { runTitle, isFinished, type TestRun } from "@/lib/client/runs/api";
import { useRunCounts, useTestRuns } from "@/lib/client/runs/hooks";
import type { Project } from "@/lib/client/types";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { BackLink, ProjectGate } from "@/components/shared/project-gate";
import { RunCounts } from "./run-counts";
import { RunProgressBar } from "./run-progress";
import { LiveDot, RunDuration, RunStarter } from "./run-meta";
import { RunStatusBadge } from "./run-status";
import { RunTestsButton, whyNoRun } from "./run-tests-button";

const TH = "px-3 py-2 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400";

function progressOf(c: { passed: number; failed: number; skipped: number }, total: number | null, active: boolean) {
  const done = c.passed + c.failed + c.skipped;
  return { done, total, percentage: !active ? 100 : total ? Math.min(100, Math.round((done / total) * 100)) : null };
}

function RunRow({ run, projectId, me }: { run: TestRun; projectId: string; me: string }) {
  const router = useRouter();
  const href = `/projects/${projectId}/runs/${run.id}`;
  const active = !isFinished(run.status);
  const counts = useRunCounts(run);
  return (
    <tr
      data-testid="run-row"
      data-kbd-item
      data-run-id={run.id}
      data-status={run.status}
      onClick={(e) => {
        if (!(e.target as HTMLElement).closest("a,button")) router.push(href);
      }}
      className="group cursor-pointer border-t border-zinc-100 transition-colors first:border-t-0 hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/30"
    >
      <td className="max-w-0 py-2.5 pr-3 pl-4">
        <Link href={href} className="block truncate text-sm font-medium text-zinc-900 group-hover:text-indigo-700 dark:text-zinc-100 dark:group-hover:text-indigo-300">
          {runTitle(run)}
        </Link>
        <p className="truncate font-mono text-xs text-zinc-500 dark:text-zinc-400" title={run.command ?? undefined}>
          {run.command ?? (run.source === "external" ? "results posted by CI" : "—")}
        </p>
      </td>
      <td className="px-3 py-2.5">
        <RunStatusBadge status={run.status} />
      </td>
      <td className="px-3 py-2.5">
        {run.status === "queued" ? (
          <span className="text-xs text-zinc-400 dark:text-zinc-500">waiting to start</span>
        ) : (
          <div className="space-y-1.5">
            <RunCounts counts={counts} />
            {counts.passed + counts.failed + counts.skipped > 0 && (
              <RunProgressBar compact status={run.status} failedSoFar={counts.failed} counts={counts} progress={progressOf(counts, run.total, active)} />
            )}
          </div>
        )}
        {run.status === "error" && run.error && (
          <p className="mt-0.5 truncate text-xs text-red-600 dark:text-red-400" title={run.error}>
            {run.error}
          </p>
        )}
      </td>
      <td className={`hidden px-3 py-2.5 text-[13px] text-zinc-600 sm:table-cell dark:text-zinc-300 ${active ? "text-indigo-700 dark:text-indigo-300" : ""}`}>
        <RunDuration run={run} />
      </td>
      <td className="hidden max-w-0 px-3 py-2.5 text-[13px] text-zinc-600 md:table-cell dark:text-zinc-300">
        <RunStarter run={run} me={me} />
      </td>
      <td className="hidden px-3 py-2.5 pr-4 text-[13px] whitespace-nowrap text-zinc-500 lg:table-cell dark:text-zinc-400">
        <RelativeTime iso={run.created_at} />
      </td>
    </tr>
  );
}

function RunsTable({ runs, projectId, me }: { runs: TestRun[]; projectId: string; me: string }) {
  return (
    <table className="w-full table-fixed" data-testid="runs-list">
      <colgroup>
        <col />
        <col className="w-32" />
        <col className="w-64" />
        <col className="hidden w-24 sm:table-column" />
        <col className="hidden w-40 md:table-column" />
        <col className="hidden w-32 lg:table-column" />
      </colgroup>
      <thead className="border-b border-zinc-200 bg-zinc-50/80 dark:border-zinc-800 dark:bg-zinc-900/60">
        <tr>
          <th className={`${TH} pl-4`}>Run</th>
          <th className={TH}>Status</th>
          <th className={TH}>Results</th>
          <th className={`${TH} hidden sm:table-cell`}>Duration</th>
          <th className={`${TH} hidden md:table-cell`}>Started by</th>
          <th className={`${TH} hidden pr-4 lg:table-cell`}>When</th>
        </tr>
      </thead>
      <tbody data-kbd-list>
        {runs.map((r) => (
          <RunRow key={r.id} run={r} projectId={projectId} me={me} />
        ))}
      </tbody>
    </table>
  );
}

function ListSkeleton() {
  return (
    <div className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="runs-loading" aria-busy>
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex items-center gap-6 px-4 py-3.5">
          <div className="flex-1 space-y-2">
            <Skeleton className="h-3.5 w-40" />
            <Skeleton className="h-3 w-56 max-w-full" />
          </div>
          <Skeleton className="h-5 w-20 rounded-full" />
          <Skeleton className="h-3 w-44" />
          <Skeleton className="hidden h-3 w-16 sm:block" />
        </div>
      ))}
    </div>
  );
}

function RunsList({ project }: { project: Project }) {
  const { me } = useRealtime();
  const { data, error, isPending, refetch, isRefetching } = useTestRuns(project.id);
  const reason = whyNoRun(project);

  let body: React.ReactNode;
  if (isPending) body = <ListSkeleton />;
  else if (error && !data) body = <ErrorState title="Could not load the test runs" error={error} onRetry={() => void refetch()} retrying={isRefetching} />;
  else if (data.length === 0)
    body = (
      <EmptyState icon={<FlaskConical />} title="No test runs yet" data-testid="runs-empty">
        {reason ? (
          reason
        ) : (
          <>
            Press <span className="font-medium text-zinc-700 dark:text-zinc-200">Run tests</span> to run{" "}
            <code className="rounded bg-zinc-100 px-1 py-px font-mono text-[12px] dark:bg-zinc-800">{project.test_command}</code> in the project&apos;s workspace. Results stream
            here as each test finishes; CI systems can post theirs too.
          </>
        )}
      </EmptyState>
    );
  else body = <RunsTable runs={data} projectId={project.id} me={me} />;

  return (
    <div className="space-y-4">
      <BackLink href={`/projects/${project.id}`}>{project.name}</BackLink>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold tracking-tight">Test runs</h1>
          <p className="mt-0.5 flex flex-wrap items-center gap-x-2 text-sm text-zinc-500 dark:text-zinc-400">
            {project.test_command ? (
              <span className="inline-flex min-w-0 items-center gap-1.5" title="Test command">
                <Terminal className="size-3.5 shrink-0 text-zinc-400" />
                <code className="truncate font-mono text-xs">{project.test_command}</code>
              </span>
            ) : (
              <span>No test command set.</span>
            )}
            {data && data.length > 0 && (
              <>
                <span aria-hidden>·</span>
                <span>{data.length >= 50 ? "the latest 50 runs" : `${data.length} ${data.length === 1 ? "run" : "runs"}`}</span>
              </>
            )}
          </p>
        </div>
        <RunTestsButton project={project} />
      </div>
      <Card className="overflow-hidden">
        <CardHeader title="History" icon={<FlaskConical />} actions={<LiveDot />} />
        {body}
      </Card>
    </div>
  );
}

export function RunsView({ projectId }: { projectId: string }) {
  return (
    <ProjectGate id={projectId} loading={<RunsSkeleton />}>
      {(project) => <RunsList project={project} />}
    </ProjectGate>
  );
}

function RunsSkeleton() {
  return (
    <div className="space-y-4" aria-busy>
      <Skeleton className="h-4 w-32" />
      <Skeleton className="h-6 w-48" />
      <Skeleton className="h-64" />
    </div>
  );
}
