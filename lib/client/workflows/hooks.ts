"use client";
// Workflows in React: the list and one workflow, read over REST and kept live by their rooms (./cache.ts).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { rooms, type Workflow, type WorkflowDetail } from "@/lib/contract";
import { useRoom } from "../realtime";
import { workflowsApi } from "./api";
import { fresher, isActiveWorkflow, mergeRead } from "./cache";
import { workflowKeys } from "./keys";

/** The project's recent workflows, newest first, live. */
export function useWorkflows(projectId: string) {
  useRoom(rooms.project(projectId));
  return useQuery<Workflow[]>({
    queryKey: workflowKeys.list(projectId),
    queryFn: ({ signal }) => workflowsApi.list(projectId, signal),
    structuralSharing: (old, next) =>
      (next as Workflow[]).map((w) => {
        const o = (old as Workflow[] | undefined)?.find((x) => x.id === w.id);
        return o ? fresher(o, w) : w;
      }),
  });
}

/** One workflow with its timeline and agent events, live from room workflow:<id>. */
export function useWorkflow(id: string) {
  useRoom(rooms.workflow(id));
  return useQuery<WorkflowDetail>({
    queryKey: workflowKeys.detail(id),
    queryFn: ({ signal }) => workflowsApi.get(id, signal),
    structuralSharing: (old, next) => mergeRead(old as WorkflowDetail | undefined, next as WorkflowDetail),
  });
}

/** Cancel a pending or running workflow; the cache follows from workflow.cancelled (and from the answer). */
export function useCancelWorkflow(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reason?: string) => workflowsApi.cancel(id, reason),
    onSuccess: (w) => qc.setQueryData<WorkflowDetail>(workflowKeys.detail(id), (old) => (old && isActiveWorkflow(old) ? { ...old, ...w, agent_status: w.agent_status ?? old.agent_status } : old)),
  });
}
