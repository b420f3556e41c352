"use client";
import Link from "next/link";
import { useMemo } from "react";
import { useRooms } from "@/lib/client/realtime";
import { Bot } from "lucide-react";
import { useAgents } from "@/lib/client/agents/hooks";
import { useProjects } from "@/lib/client/projects/hooks";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Button } from "@/components/ui/button";
import { AgentSeen, AgentStatusBadge } from "./agent-status";

/** Agents without a project whose own rooms the page joins at most. */
const MAX_AGENT_ROOMS = 40;

/**
 * Every agent the user can see, with live presence: presence goes to the agent's projects' rooms (which stay
 * joined) and its own agent:<id> room, joined here for agents that serve no project.
 */
export function AgentsView() {
  const { data, error, isPending, refetch, isRefetching } = useAgents();
  const ownRooms = useMemo(() => (data ?? []).filter((a) => a.project_ids.length === 0).slice(0, MAX_AGENT_ROOMS).map((a) => `agent:${a.id}`).sort(), [data]);
  useRooms(ownRooms);
  const { data: projects } = useProjects();
  const projectName = (id: string) => projects?.find((p) => p.id === id)?.name ?? null;

  let body: React.ReactNode;
  if (isPending) {
    body = (
      <div className="space-y-3 p-4" aria-busy>
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-5 w-full" />
        ))}
      </div>
    );
  } else if (error && !data) {
    body = <ErrorState title="Could not load the agents" error={error} onRetry={() => void refetch()} retrying={isRefetching} />;
  } else if (!data?.length) {
    body = (
      <EmptyState
        icon={<Bot />}
        title="No agents yet"
        data-testid="agents-empty"
        action={
          <Link href="/settings/tokens">
            <Button variant="primary">Create an agent token</Button>
          </Link>
        }
      >
        An agent token registers an agent; connect your agent with it and its status shows here live.
      </EmptyState>
    );
  } else {
    body = (
      <table className="w-full text-left text-[13px]" data-testid="agents-table">
        <thead className="border-b border-zinc-200 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          <tr>
            <th className="px-4 py-2 font-medium">Agent</th>
            <th className="px-4 py-2 font-medium">Status</th>
            <th className="hidden px-4 py-2 font-medium sm:table-cell">Projects</th>
            <th className="px-4 py-2 font-medium">Presence</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {data.map((a) => (
            <tr key={a.id} data-testid="agent-row" data-agent-id={a.id} data-status={a.status}>
              <td className="px-4 py-2.5">
                <p className="font-medium text-zinc-900 dark:text-zinc-100">{a.name}</p>
                <p className="text-xs text-zinc-500 dark:text-zinc-400">{a.kind}</p>
              </td>
              <td className="px-4 py-2.5">
                <AgentStatusBadge status={a.status} />
                {a.availability !== null && <span className="ml-2 text-xs text-zinc-500">{a.availability}% available</span>}
              </td>
              <td className="hidden px-4 py-2.5 sm:table-cell">
                {a.project_ids.length === 0 ? (
                  <span className="text-xs text-zinc-500">all of its owner&apos;s projects</span>
                ) : (
                  <ul className="space-y-0.5">
                    {a.project_ids.map((id) => (
                      <li key={id}>
                        <Link href={`/projects/${id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                          {projectName(id) ?? id.slice(0, 8)}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="px-4 py-2.5 text-xs text-zinc-500 dark:text-zinc-400">
                <AgentSeen agent={a} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Agents</h1>
      <Card className="overflow-hidden">{body}</Card>
    </>
  );
}
