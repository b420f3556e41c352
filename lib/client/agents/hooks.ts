"use client";
// Agents and API tokens in React: REST reads and mutations; presence arrives through ./cache.ts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiToken } from "@/lib/contract";
import { toast, toastError } from "../toast";
import { agentsApi } from "./api";
import { agentKeys } from "./keys";

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
