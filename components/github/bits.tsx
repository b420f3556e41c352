"use client";
import { useSyncExternalStore } from "react";
import { CircleDot, GitMerge, GitPullRequest, GitPullRequestClosed, CircleCheck } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { Issue, PullRequest } from "@/lib/client/github/types";

export function PrStatusBadge({ status }: { status: PullRequest["status"] }) {
  const [tone, Icon, label] =
    status === "merged" ? (["violet", GitMerge, "Merged"] as const) : status === "closed" ? (["red", GitPullRequestClosed, "Closed"] as const) : (["green", GitPullRequest, "Open"] as const);
  return (
    <Badge tone={tone} data-testid="pr-status" data-status={status}>
      <Icon className="size-3" />
      {label}
    </Badge>
  );
}

export function IssueStatusBadge({ status }: { status: Issue["status"] }) {
  const open = status === "open";
  const Icon = open ? CircleDot : CircleCheck;
  return (
    <Badge tone={open ? "green" : status === "deleted" ? "neutral" : "violet"} data-testid="issue-status" data-status={status}>
      <Icon className="size-3" />
      {open ? "Open" : status === "deleted" ? "Deleted" : "Closed"}
    </Badge>
  );
}

const noop = () => () => {};
/** This project's webhook URL on this server (the browser's origin: what GitHub must reach). */
export function useWebhookUrl(projectId: string) {
  return useSyncExternalStore(
    noop,
    () => `${window.location.origin}/api/webhooks/github/${projectId}`,
    () => `/api/webhooks/github/${projectId}`,
  );
}

/** How to connect a repository: what to enter in GitHub's webhook form. */
export function WebhookSetup({ projectId, repositoryUrl }: { projectId: string; repositoryUrl: string | null }) {
  const url = useWebhookUrl(projectId);
  const row = "grid grid-cols-[8.5rem_1fr] gap-2 py-1";
  return (
    <div data-testid="webhook-setup" className="mx-auto max-w-xl text-left text-[13px] text-zinc-600 dark:text-zinc-400">
      <p className="mb-2">
        Pull requests and issues arrive from a GitHub webhook. In the repository on GitHub, open <strong>Settings → Webhooks → Add webhook</strong> and enter:
      </p>
      <dl className="divide-y divide-zinc-100 rounded-md border border-zinc-200 px-3 dark:divide-zinc-800 dark:border-zinc-800">
        <div className={row}>
          <dt className="font-medium text-zinc-700 dark:text-zinc-300">Payload URL</dt>
          <dd className="font-mono text-xs break-all" data-testid="webhook-url">
            {url}
          </dd>
        </div>
        <div className={row}>
          <dt className="font-medium text-zinc-700 dark:text-zinc-300">Content type</dt>
          <dd className="font-mono text-xs">application/json</dd>
        </div>
        <div className={row}>
          <dt className="font-medium text-zinc-700 dark:text-zinc-300">Secret</dt>
          <dd>this project&apos;s own secret: its owners see it (and can rotate it) in the GitHub webhook card on the project page</dd>
        </div>
        <div className={row}>
          <dt className="font-medium text-zinc-700 dark:text-zinc-300">Events</dt>
          <dd>&ldquo;Let me select individual events&rdquo;: Pull requests, Issues and Pushes</dd>
        </div>
      </dl>
      <p className="mt-2 text-xs">
        {repositoryUrl
          ? `Deliveries signed with this project's secret appear here live (for the repository in its repository URL, ${repositoryUrl}).`
          : "Deliveries signed with this project's secret appear here live. Setting the repository URL to the GitHub repository makes deliveries for other repositories be ignored."}
      </p>
    </div>
  );
}
