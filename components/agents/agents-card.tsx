"use client";
import Link from "next/link";
import { ArrowRight, Bot } from "lucide-react";
import { useProjectAgents } from "@/lib/client/agents/hooks";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { AgentSeen, AgentStatusBadge } from "./agent-status";

const ORDER = { online: 0, busy: 1, idle: 2, error: 3, offline: 4 } as const;

/** The project page's live view of the agents serving it (agent.* events keep it current). */
export function AgentsCard({ projectId }: { projectId: string }) {
  const { data, error, isPending } = useProjectAgents(projectId);
  const online = (data ?? []).filter((a) => a.status !== "offline").length;
  const all = (
    <Link href="/agents" className="inline-flex items-center gap-1 text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400" data-testid="all-agents-link">
      All agents
      <ArrowRight className="size-3" />
    </Link>
  );
  let body: React.ReactNode;
  if (isPending) {
    body = (
      <div className="space-y-2" aria-busy>
        <Skeleton className="h-4 w-40" />
        <Skeleton className="h-4 w-32" />
      </div>
    );
  } else if (error && !data) {
    body = <p className="text-[13px] text-red-600 dark:text-red-400">Could not load the agents: {error.message}</p>;
  } else if (!data?.length) {
    body = (
      <div data-testid="agents-empty">
        <p className="text-[13px] font-medium text-zinc-700 dark:text-zinc-300">No agents serve this project yet</p>
        <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
          Create an agent token for this project in{" "}
          <Link href="/settings/tokens" className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400">
            Settings → Tokens
          </Link>{" "}
          and connect your agent with it; it shows up here live.
        </p>
      </div>
    );
  } else {
    const sorted = [...data].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name));
    body = (
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="agents-list">
        {sorted.map((a) => (
          <li key={a.id} className="flex items-center justify-between gap-2 py-2 first:pt-0 last:pb-0" data-testid="agent-row" data-agent-id={a.id} data-status={a.status}>
            <div className="min-w-0">
              <p className="truncate text-[13px] font-medium text-zinc-900 dark:text-zinc-100">{a.name}</p>
              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                <AgentSeen agent={a} />
              </p>
            </div>
            <AgentStatusBadge status={a.status} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <Card data-testid="agents-online" data-online={online}>
      <CardHeader title={data?.length ? `Agents · ${online} online` : "Agents"} icon={<Bot />} actions={all} />
      <CardBody>{body}</CardBody>
    </Card>
  );
}
