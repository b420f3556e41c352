"use client";
import Link from "next/link";
import { ArrowRight, GitPullRequest } from "lucide-react";
import type { Project } from "@/lib/client/types";
import { useIssues, usePullRequests } from "@/lib/client/github/hooks";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { IssueStatusBadge, PrStatusBadge } from "./bits";

const MAX = 5;

/** The project page's live list of open pull requests and issues (from GitHub webhooks). */
export function PullsCard({ project }: { project: Project }) {
  const prs = usePullRequests(project.id);
  const issues = useIssues(project.id);
  const href = `/projects/${project.id}/pulls`;
  const openPrs = (prs.data ?? []).filter((p) => p.status === "open");
  const openIssues = (issues.data ?? []).filter((i) => i.status === "open");
  const all = (
    <Link href={href} data-testid="all-pulls-link" className="inline-flex items-center gap-1 text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
      All
      <ArrowRight className="size-3" />
    </Link>
  );
  let body: React.ReactNode;
  if (prs.isPending || issues.isPending) {
    body = (
      <div className="space-y-2" aria-busy>
        <Skeleton className="h-4 w-48" />
        <Skeleton className="h-4 w-40" />
      </div>
    );
  } else if ((prs.error && !prs.data) || (issues.error && !issues.data)) {
    body = <p className="text-[13px] text-red-600 dark:text-red-400">Could not load pull requests and issues: {(prs.error ?? issues.error)?.message}</p>;
  } else if (openPrs.length === 0 && openIssues.length === 0) {
    body = (
      <div data-testid="pulls-card-empty">
        <p className="text-[13px] font-medium text-zinc-700 dark:text-zinc-300">No open pull requests or issues</p>
        <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
          They appear here live once a GitHub webhook sends them.{" "}
          <Link href={href} className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400">
            How to set it up
          </Link>
        </p>
      </div>
    );
  } else {
    body = (
      <ul className="space-y-2">
        {openPrs.slice(0, MAX).map((pr) => (
          <li key={pr.pr_id} data-testid="pr-item" data-number={pr.number} className="flex items-center gap-2">
            <PrStatusBadge status={pr.status} />
            <a href={pr.github_url} target="_blank" rel="noreferrer" className="min-w-0 flex-1 truncate text-[13px] text-zinc-800 hover:underline dark:text-zinc-200" title={pr.title}>
              #{pr.number} {pr.title}
            </a>
          </li>
        ))}
        {openIssues.slice(0, MAX).map((i) => (
          <li key={i.issue_id} data-testid="issue-item" data-number={i.number} className="flex items-center gap-2">
            <IssueStatusBadge status={i.status} />
            <a href={i.github_url} target="_blank" rel="noreferrer" className="min-w-0 flex-1 truncate text-[13px] text-zinc-800 hover:underline dark:text-zinc-200" title={i.title}>
              #{i.number} {i.title}
            </a>
          </li>
        ))}
        {(openPrs.length > MAX || openIssues.length > MAX) && <li className="text-xs text-zinc-500">and more…</li>}
      </ul>
    );
  }
  return (
    <Card data-testid="pulls-card">
      <CardHeader title="Pull requests & issues" icon={<GitPullRequest />} actions={all} />
      <CardBody>{body}</CardBody>
    </Card>
  );
}
