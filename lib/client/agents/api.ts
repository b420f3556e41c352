// Agents and API tokens over REST.
import type { Agent, ApiToken, NewApiToken as NewToken } from "@/lib/contract";
import { apiFetch } from "../api";

export type { Agent, AgentStatus, ApiToken, NewApiToken as NewToken } from "@/lib/contract";
export type TokenInput = { name: string; kind: "personal" | "agent"; project_ids?: string[]; expires_at?: string | null };

export const agentsApi = {
  listAgents: (signal?: AbortSignal) => apiFetch<{ agents: Agent[] }>("/agents", { signal }).then((r) => r.agents),
  listProjectAgents: (projectId: string, signal?: AbortSignal) => apiFetch<{ agents: Agent[] }>(`/projects/${projectId}/agents`, { signal }).then((r) => r.agents),
  listTokens: (signal?: AbortSignal) => apiFetch<{ tokens: ApiToken[] }>("/tokens", { signal }).then((r) => r.tokens),
  createToken: (input: TokenInput) => apiFetch<NewToken>("/tokens", { method: "POST", body: input }),
  revokeToken: (id: string) => apiFetch<void>(`/tokens/${id}`, { method: "DELETE" }),
};
