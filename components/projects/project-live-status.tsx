"use client";
// A project's live status on the projects list: last test run, running workflows, agents online
// (`activity` from GET /api/v1/projects, kept current by lib/client/project-status.ts).
import { Bot, FlaskConical, Workflow } from "lucide-react";
import clsx from "clsx";
import type { ProjectActivity } from "@/lib/feed/kinds";

const pill = "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-[11px] font-medium whitespace-nowrap";

function runText(run: NonNullable<ProjectActivity["last_run"]>) {
  if (!run.finished_at) return run.status === "queued" ? "Run queued" : `Running${run.total ? ` ${run.passed + run.failed + run.skipped}/${run.total}` : ""}`;
  if (run.status === "passed") return `Passed ${run.passed}`;
  if (run.status === "failed") return `Failed ${run.failed}/${run.passed + run.failed + run.skipped}`;
  return run.status.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

export function ProjectLiveStatus({ activity }: { activity?: ProjectActivity }) {
  if (!activity) return null;
  const run = activity.last_run;
  const bad = run && run.finished_at && run.status !== "passed";
  return (
    <div className="flex flex-wrap gap-1" data-testid="project-live-status">
      {run ? (
        <span
          data-testid="project-last-run"
          data-status={run.status}
          title="The last test run"
          className={clsx(pill, !run.finished_at ? "bg-sky-50 text-sky-700 dark:bg-sky-500/15 dark:text-sky-300" : bad ? "bg-red-50 text-red-700 dark:bg-red-500/15 dark:text-red-300" : "bg-emerald-50 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300")}
        >
          <FlaskConical className="size-3" aria-hidden />
          {runText(run)}
        </span>
      ) : (
        <span className={clsx(pill, "text-zinc-400 dark:text-zinc-500")}>No runs</span>
      )}
      {activity.running_workflows.length > 0 && (
        <span data-testid="project-running-workflows" title="Workflows running" className={clsx(pill, "bg-cyan-50 text-cyan-700 dark:bg-cyan-500/15 dark:text-cyan-300")}>
          <Workflow className="size-3" aria-hidden />
          {activity.running_workflows.length} running
        </span>
      )}
      {activity.agents_online.length > 0 && (
        <span data-testid="project-agents-online" title="Agents online" className={clsx(pill, "bg-violet-50 text-violet-700 dark:bg-violet-500/15 dark:text-violet-300")}>
          <Bot className="size-3" aria-hidden />
          {activity.agents_online.length} online
        </span>
      )}
    </div>
  );
}
