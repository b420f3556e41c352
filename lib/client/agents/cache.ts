// agent.* envelopes (presence) → the agent lists in the React Query cache (React-free).
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { Agent, AgentPresence, AnyEnvelope } from "@/lib/contract";
import { agentKeys } from "./keys";

type Presence = AgentPresence;

function mergePresence(list: Agent[] | undefined, d: Presence): Agent[] | undefined {
  if (!list) return list;
  return list.map((a) =>
    a.id === d.agent_id
      ? {
          ...a,
          status: d.status,
          availability: d.availability,
          metadata: d.metadata,
          last_seen_at: d.last_seen_at ?? a.last_seen_at,
          connections: d.connections ?? (d.status === "offline" ? 0 : Math.max(a.connections, 1)),
        }
      : a,
  );
}

/** agent.* envelopes (from agent: and project: rooms) update every agent list in the cache. */
export function applyAgentEnvelope(qc: QueryClient, env: AnyEnvelope) {
  if (env.type !== "agent.status_changed" && env.type !== "agent.connected" && env.type !== "agent.disconnected") return;
  const d = env.data;
  // A list fetched before this event but answered after it would overwrite it with the old state:
  // when one is in flight, cancel it and fetch again (the event is already in the database).
  const merge = (key: QueryKey) => {
    const list = qc.getQueryData<Agent[]>(key);
    if (qc.isFetching({ queryKey: key }) > 0 || (list && !list.some((a) => a.id === d.agent_id))) void qc.invalidateQueries({ queryKey: key });
    if (list) qc.setQueryData<Agent[]>(key, (old) => mergePresence(old, d));
  };
  merge(agentKeys.agents);
  for (const projectId of d.project_ids) merge(agentKeys.projectAgents(projectId));
}

/** Queries that may have missed agent events while a project room was not joined. */
export const agentQueriesBehindProject = (projectId: string): QueryKey[] => [agentKeys.projectAgents(projectId)];
