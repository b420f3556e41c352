"use client";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { STATUS_TONE } from "@/lib/client/agents/status";
import { type Agent } from "@/lib/client/agents/api";

export function AgentStatusBadge({ status }: { status: Agent["status"] }) {
  return (
    <Badge tone={STATUS_TONE[status]} data-testid="agent-status" data-status={status}>
      {status}
    </Badge>
  );
}

/** "2 connections" while online, "last seen 5 min. ago" when not, "never connected" before the first time. */
export function AgentSeen({ agent }: { agent: Agent }) {
  if (agent.status !== "offline" && agent.connections > 0) {
    return <span>{agent.connections === 1 ? "1 connection" : `${agent.connections} connections`}</span>;
  }
  if (!agent.last_seen_at) return <span>never connected</span>;
  return (
    <span>
      last seen <RelativeTime iso={agent.last_seen_at} />
    </span>
  );
}
