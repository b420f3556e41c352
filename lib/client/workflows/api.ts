// Workflows over REST.
import type { Workflow, WorkflowDetail } from "@/lib/contract";
import { apiFetch } from "../api";

const enc = encodeURIComponent;
export const workflowsApi = {
  list: (projectId: string, signal?: AbortSignal) =>
    apiFetch<{ workflows: Workflow[] }>(`/projects/${enc(projectId)}/workflows?limit=20`, { signal }).then((r) => r.workflows),
  get: (id: string, signal?: AbortSignal) => apiFetch<WorkflowDetail>(`/workflows/${enc(id)}`, { signal }),
  cancel: (id: string, reason?: string) => apiFetch<Workflow>(`/workflows/${enc(id)}/cancel`, { method: "POST", body: reason ? { reason } : {} }),
};
