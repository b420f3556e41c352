"use client";
// Workflows in React: the list and one workflow, read over REST and kept live by their rooms (./cache.ts).
import { useQuery } from "@tanstack/react-query";
import { rooms, type Workflow, type WorkflowDetail } from "@/lib/contract";
import { useRoom } from "../realtime";
import { workflowsApi } from "./api";
import { fresher, mergeRead } from "./cache";
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
