"use client";
import Link from "next/link";
import { ArrowLeft, CircleDot, ExternalLink, GitBranch, GitPullRequest } from "lucide-react";
import { useProject } from "@/lib/client/projects/hooks";
import { useIssues, usePullRequests } from "@/lib/client/github/hooks";
import { type Issue, type PullRequest } from "@/lib/client/github/types";
import { isDeleted } from "@/lib/client/types";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { IssueStatusBadge, PrStatusBadge, WebhookSetup } from "./bits";
import { PrReviewPanel } from "./review-panel";

function Loading() {
  return (
    <div className="space-y-2 p-4" aria-busy>
      <Skeleton className="h-4 w-64" />
      <Skeleton className="h-4 w-52" />
    </div>
  );
}

function PrRow({ pr, projectId, canAct }: { pr: PullRequest; projectId: string; canAct: boolean }) {
  return (
    <li data-testid="pr-row" data-number={pr.number} className="space-y-2 px-4 py-3">
      <div className="flex flex-wrap items-center gap-2">
        <PrStatusBadge status={pr.status} />
        <a href={pr.github_url} target="_blank" rel="noreferrer" className="min-w-0 flex-1 truncate text-sm font-medium text-zinc-900 hover:underline dark:text-zinc-100">
          #{pr.number} {pr.title}
          <ExternalLink className="ml-1 inline size-3 text-zinc-400" />
        </a>
      </div>
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400">
        <span data-testid="pr-author">{pr.author}</span>
        <span className="inline-flex items-center gap-1 font-mono" data-testid="pr-branch">
          <GitBranch className="size-3" />
          {pr.branch}
          {pr.base_branch && <> → {pr.base_branch}</>}
        </span>
        <span>
          opened <RelativeTime iso={pr.created_at} />
        </span>
      </p>
      <PrReviewPanel projectId={projectId} prId={pr.pr_id} canAct={canAct} />
    </li>
  );
}

function IssueRow({ issue }: { issue: Issue }) {
  return (
    <li data-testid="issue-row" data-number={issue.number} className="space-y-1 px-4 py-3">
      <div className="flex flex-wrap items-center gap-2">
        <IssueStatusBadge status={issue.status} />
        <a href={issue.github_url} target="_blank" rel="noreferrer" className="min-w-0 flex-1 truncate text-sm font-medium text-zinc-900 hover:underline dark:text-zinc-100">
          #{issue.number} {issue.title}
          <ExternalLink className="ml-1 inline size-3 text-zinc-400" />
        </a>
      </div>
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400">
        <span>{issue.author}</span>
        {issue.labels.map((l) => (
          <span key={l} className="rounded-full bg-zinc-100 px-1.5 py-px text-[11px] dark:bg-zinc-800">
            {l}
          </span>
        ))}
        {issue.assignees.length > 0 && <span>assigned to {issue.assignees.join(", ")}</span>}
        <span>
          opened <RelativeTime iso={issue.created_at} />
        </span>
      </p>
    </li>
  );
}

/** /projects/[id]/pulls: the project's pull requests and issues from GitHub, live, with AI review of PRs. */
export function PullsView({ projectId }: { projectId: string }) {
  const project = useProject(projectId);
  const prs = usePullRequests(projectId);
  const issues = useIssues(projectId);
  const p = project.data && !isDeleted(project.data) ? project.data : null;
  const canAct = p ? p.role !== "viewer" : false;
  const nothing = prs.data?.length === 0 && issues.data?.length === 0;

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/projects/${projectId}`} className="inline-flex items-center gap-1 text-xs font-medium text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200">
          <ArrowLeft className="size-3" /> {p?.name ?? "Project"}
        </Link>
        <h1 className="mt-1 text-lg font-semibold text-zinc-900 dark:text-zinc-100">Pull requests & issues</h1>
      </div>
      {nothing ? (
        <Card data-testid="pulls-empty">
          <EmptyState icon={<GitPullRequest />} title="No pull requests or issues yet">
            <WebhookSetup projectId={projectId} repositoryUrl={p?.repository_url ?? null} />
          </EmptyState>
        </Card>
      ) : (
        <>
          <Card data-testid="pulls-list">
            <CardHeader title={`Pull requests${prs.data ? ` (${prs.data.length})` : ""}`} icon={<GitPullRequest />} />
            {prs.isPending ? (
              <Loading />
            ) : prs.error && !prs.data ? (
              <CardBody className="text-[13px] text-red-600">Could not load pull requests: {prs.error.message}</CardBody>
            ) : prs.data!.length === 0 ? (
              <CardBody className="text-[13px] text-zinc-500">No pull requests yet.</CardBody>
            ) : (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {prs.data!.map((pr) => (
                  <PrRow key={pr.pr_id} pr={pr} projectId={projectId} canAct={canAct} />
                ))}
              </ul>
            )}
          </Card>
          <Card data-testid="issues-list">
            <CardHeader title={`Issues${issues.data ? ` (${issues.data.length})` : ""}`} icon={<CircleDot />} />
            {issues.isPending ? (
              <Loading />
            ) : issues.error && !issues.data ? (
              <CardBody className="text-[13px] text-red-600">Could not load issues: {issues.error.message}</CardBody>
            ) : issues.data!.length === 0 ? (
              <CardBody className="text-[13px] text-zinc-500">No issues yet.</CardBody>
            ) : (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {issues.data!.map((i) => (
                  <IssueRow key={i.issue_id} issue={i} />
                ))}
              </ul>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
