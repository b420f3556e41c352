"use client";
// Agents and API tokens in the browser: REST reads, live presence from agent.* envelopes into the cache.
import { useMutation, useQuery, useQueryClient, type QueryClient, type QueryKey } from "@tanstack/react-query";
import type { Agent, AgentPresence, AgentStatus, AnyEnvelope, ApiToken, NewApiToken as NewToken } from "@/lib/contract";
import { apiFetch } from "./api";
import { toast, toastError } from "./toast";

export type { Agent, AgentStatus, ApiToken, NewApiToken as NewToken } from "@/lib/contract";
export type TokenInput = { name: string; kind: "personal" | "agent"; project_ids?: string[]; expires_at?: string | null };

// Query keys of this feature (kept here so the shared keys.ts stays untouched by it).
export const agentKeys = {
  agents: ["agents"] as const,
  projectAgents: (projectId: string) => ["project-agents", projectId] as const,
  tokens: ["tokens"] as const,
};

export const agentsApi = {
  listAgents: (signal?: AbortSignal) => apiFetch<{ agents: Agent[] }>("/agents", { signal }).then((r) => r.agents),
  listProjectAgents: (projectId: string, signal?: AbortSignal) => apiFetch<{ agents: Agent[] }>(`/projects/${projectId}/agents`, { signal }).then((r) => r.agents),
  listTokens: (signal?: AbortSignal) => apiFetch<{ tokens: ApiToken[] }>("/tokens", { signal }).then((r) => r.tokens),
  createToken: (input: TokenInput) => apiFetch<NewToken>("/tokens", { method: "POST", body: input }),
  revokeToken: (id: string) => apiFetch<void>(`/tokens/${id}`, { method: "DELETE" }),
};

export const useAgents = () => useQuery({ queryKey: agentKeys.agents, queryFn: ({ signal }) => agentsApi.listAgents(signal) });
export const useProjectAgents = (projectId: string) =>
  useQuery({ queryKey: agentKeys.projectAgents(projectId), queryFn: ({ signal }) => agentsApi.listProjectAgents(projectId, signal) });
export const useTokens = () => useQuery({ queryKey: agentKeys.tokens, queryFn: ({ signal }) => agentsApi.listTokens(signal) });

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: agentsApi.createToken,
    onSuccess: (t) => {
      qc.setQueryData<ApiToken[]>(agentKeys.tokens, (old) => {
        const { token: _secret, ...row } = t; // the secret never goes into the cache
        return old ? [row, ...old.filter((x) => x.id !== t.id)] : old;
      });
      if (t.agent_id) void qc.invalidateQueries({ queryKey: agentKeys.agents });
    },
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (t: ApiToken) => agentsApi.revokeToken(t.id),
    onSuccess: (_v, t) => {
      qc.setQueryData<ApiToken[]>(agentKeys.tokens, (old) => old?.map((x) => (x.id === t.id ? { ...x, revoked: true, revoked_at: new Date().toISOString() } : x)));
      toast(`Token “${t.name}” revoked`);
    },
    onError: (e) => toastError(e),
  });
}

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

export const STATUS_TONE: Record<AgentStatus, "green" | "amber" | "red" | "neutral" | "indigo"> = {
  online: "green",
  idle: "indigo",
  busy: "amber",
  error: "red",
  offline: "neutral",
};
