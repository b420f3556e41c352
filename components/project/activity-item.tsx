import { Activity, Bot, CircleDot, Cog, FlaskConical, FolderGit2, GitPullRequest, Sparkles, Users, Workflow } from "lucide-react";
import clsx from "clsx";
import type { AnyEnvelope } from "@/lib/contract";
import type { EventLine } from "@/lib/client/describe-event";
import { RelativeTime } from "@/components/ui/relative-time";
import type { FeedSummary } from "@/lib/feed/kinds";

/** A folded item's live state in words: a run's counts, a message's status, a workflow's progress. */
export function describeSummary(s: FeedSummary): string {
  switch (s.kind) {
    case "run": {
      const done = s.passed + s.failed + s.skipped;
      const counts = `${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ""}`;
      if (s.finished_at) return `${s.status.replace(/_/g, " ")}: ${counts}`;
      return `${s.status}${done ? ` · ${counts}` : ""}${s.total ? ` · ${done}/${s.total}` : ""}`;
    }
    case "message":
      return s.status === "applied" ? `applied${s.commit_sha ? ` (${s.commit_sha.slice(0, 7)})` : ""}` : s.status === "proposed" ? `patch proposed to ${s.files_changed} file${s.files_changed === 1 ? "" : "s"}` : s.status;
    case "workflow":
      return `${s.status} · ${s.progress}%${s.total_steps ? ` · step ${s.current_step}/${s.total_steps}` : ""}${s.step_name && !s.finished_at ? ` · ${s.step_name}` : ""}`;
  }
}

const summaryTone = (s: FeedSummary) =>
  /fail|error|timed_out/.test(s.status) ? "text-red-600 dark:text-red-400" : /pass|complet|applied/.test(s.status) ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-500 dark:text-zinc-400";

/** An icon and colour per event family (by type prefix), so the feed reads at a glance. */
const FAMILIES: { test: (t: string) => boolean; icon: typeof Activity; className: string }[] = [
  { test: (t) => t.startsWith("project."), icon: FolderGit2, className: "bg-indigo-50 text-indigo-600 dark:bg-indigo-500/15 dark:text-indigo-300" },
  { test: (t) => t.startsWith("member."), icon: Users, className: "bg-violet-50 text-violet-600 dark:bg-violet-500/15 dark:text-violet-300" },
  { test: (t) => t.startsWith("agent"), icon: Bot, className: "bg-sky-50 text-sky-600 dark:bg-sky-500/15 dark:text-sky-300" },
  { test: (t) => t.startsWith("workflow."), icon: Workflow, className: "bg-cyan-50 text-cyan-600 dark:bg-cyan-500/15 dark:text-cyan-300" },
  { test: (t) => t.startsWith("test_"), icon: FlaskConical, className: "bg-emerald-50 text-emerald-600 dark:bg-emerald-500/15 dark:text-emerald-300" },
  { test: (t) => t.startsWith("vibecode") || t.startsWith("patch.") || t.startsWith("ai."), icon: Sparkles, className: "bg-fuchsia-50 text-fuchsia-600 dark:bg-fuchsia-500/15 dark:text-fuchsia-300" },
  { test: (t) => t.startsWith("job_"), icon: Cog, className: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300" },
  { test: (t) => t.startsWith("pr."), icon: GitPullRequest, className: "bg-amber-50 text-amber-700 dark:bg-amber-500/15 dark:text-amber-300" },
  { test: (t) => t.startsWith("issue."), icon: CircleDot, className: "bg-amber-50 text-amber-700 dark:bg-amber-500/15 dark:text-amber-300" },
];
const FALLBACK = { icon: Activity, className: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300" };

const isFailure = (type: string, summary?: FeedSummary | null) => /error|failed/.test(type) || type === "project.deleted" || (!!summary && /fail|error|timed_out/.test(summary.status));

export function ActivityItem({ envelope, line, live, summary }: { envelope: AnyEnvelope; line: EventLine; live: boolean; summary?: FeedSummary | null }) {
  const family = FAMILIES.find((f) => f.test(envelope.type)) ?? FALLBACK;
  const Icon = family.icon;
  return (
    <li
      data-testid="activity-item"
      data-kbd-item
      data-event-type={envelope.type}
      data-event-id={envelope.id}
      className={clsx("flex gap-3 px-4 py-2.5", live && "animate-feed-in")}
    >
      <span className={clsx("mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-full", isFailure(envelope.type, summary) ? "bg-red-50 text-red-600 dark:bg-red-500/15 dark:text-red-300" : family.className)}>
        <Icon className="size-3.5" />
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-[13px] leading-5 break-words text-zinc-700 dark:text-zinc-300">
          {line.actor && <span className="font-medium text-zinc-900 dark:text-zinc-100">{line.actor} </span>}
          {line.summary}
        </p>
        {summary && (
          <p data-testid="activity-summary" data-status={summary.status} className={clsx("mt-0.5 text-xs font-medium", summaryTone(summary))}>
            {describeSummary(summary)}
          </p>
        )}
        <p className="mt-0.5 flex items-center gap-2 text-xs text-zinc-400 dark:text-zinc-500">
          <code className="font-mono text-[11px]">{envelope.type}</code>
          <span aria-hidden>·</span>
          <RelativeTime iso={envelope.timestamp} />
        </p>
      </div>
    </li>
  );
}
