"use client";
// Workflows in the client: REST for the first read, kept live by workflow.* / agent:* events.
// The list lives under keys.workflows(projectId) (project room events), one workflow's view under
// keys.workflow(id) (its own room's events, appended in id order).
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { parseRoom, rooms, type Envelope, type EventData, type TWorkflowStatus } from "@/lib/realtime/events";
import { apiFetch } from "./api";
import { useRoom } from "./realtime";

export type WorkflowStatus = TWorkflowStatus;
export type AgentPresence = "online" | "offline" | "busy" | "idle" | "error";
export const isActiveWorkflow = (w: Pick<Workflow, "status">) => w.status === "pending" || w.status === "running";
export type Workflow = {
  id: string;
  project_id: string;
  agent_id: string | null;
  name: string;
  status: WorkflowStatus;
  progress: number;
  current_step: number;
  total_steps: number | null;
  step_name: string | null;
  result: unknown;
  error: string | null;
  reason: "reported" | "stale" | "cancelled" | null;
  cancelled_by: string | null;
  started_at: string | null;
  estimated_time_remaining: number | null;
  /** REST answers only; workflow.agent_status events keep it current. */
  agent_status?: AgentPresence | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
};
export type WorkflowStep = { step: number; name: string | null; progress: number; at: string };
export type WorkflowDetail = Workflow & { steps: WorkflowStep[]; logs: string[]; errors: string[]; events: Envelope[]; last_event_id: string };

export const workflowKeys = {
  list: (projectId: string) => ["workflows", projectId] as const,
  detail: (id: string) => ["workflow", id] as const,
};

const enc = encodeURIComponent;
export const workflowsApi = {
  list: (projectId: string, signal?: AbortSignal) =>
    apiFetch<{ workflows: Workflow[] }>(`/projects/${enc(projectId)}/workflows?limit=20`, { signal }).then((r) => r.workflows),
  get: (id: string, signal?: AbortSignal) => apiFetch<WorkflowDetail>(`/workflows/${enc(id)}`, { signal }),
  cancel: (id: string, reason?: string) => apiFetch<Workflow>(`/workflows/${enc(id)}/cancel`, { method: "POST", body: reason ? { reason } : {} }),
};

const MAX_EVENTS = 1000;
const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/** Pick the more advanced of two states of one workflow (events and reads may arrive in any order). */
function fresher<T extends Workflow>(a: T, b: T): T {
  const rank = (w: Workflow) => (w.status === "pending" ? 0 : w.status === "running" ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) > rank(b) ? a : b;
  if (a.progress !== b.progress) return a.progress > b.progress ? a : b;
  return a.updated_at >= b.updated_at ? a : b;
}

/** Apply one envelope of a workflow's own room to its view. */
export function applyToDetail(d: WorkflowDetail, env: Envelope): WorkflowDetail {
  if (!newer(env.id, d.last_event_id)) return d;
  const next: WorkflowDetail = { ...d, events: [...d.events, env].slice(-MAX_EVENTS), last_event_id: env.id };
  switch (env.type) {
    case "workflow.progress": {
      const p = env.data as EventData<"workflow.progress">;
      const stepChanged = p.current_step !== d.current_step || p.step_name !== d.step_name;
      return {
        ...next,
        status: p.status,
        progress: Math.max(d.progress, p.progress),
        current_step: Math.max(d.current_step, p.current_step),
        step_name: p.step_name,
        estimated_time_remaining: p.estimated_time_remaining ?? null,
        updated_at: p.updated_at,
        logs: [...d.logs, ...p.logs].slice(-500),
        errors: [...d.errors, ...p.errors].slice(-200),
        steps: stepChanged ? [...d.steps, { step: p.current_step, name: p.step_name, progress: p.progress, at: env.timestamp }] : d.steps,
      };
    }
    case "workflow.completed":
    case "workflow.failed":
    case "workflow.cancelled": {
      const w = env.data as EventData<"workflow.completed">;
      const { workflow_id: _w, cancelled_by_name: _c, ...fields } = w as EventData<"workflow.cancelled">;
      return {
        ...next,
        ...fields,
        agent_status: d.agent_status,
        errors: env.type === "workflow.failed" && w.error ? [...d.errors, w.error] : d.errors,
        logs: env.type === "workflow.cancelled" && w.error ? [...d.logs, w.error].slice(-500) : d.logs,
      };
    }
    case "workflow.agent_status":
      return { ...next, agent_status: (env.data as EventData<"workflow.agent_status">).agent_status };
    default:
      return next;
  }
}

/** A re-read replaces the view but keeps live events it does not have yet. */
function mergeRead(old: WorkflowDetail | undefined, read: WorkflowDetail): WorkflowDetail {
  if (!old) return read;
  return old.events.filter((e) => newer(e.id, read.last_event_id)).reduce(applyToDetail, read);
}

function upsertList(list: Workflow[] | undefined, w: Workflow): Workflow[] | undefined {
  if (!list) return list;
  const i = list.findIndex((x) => x.id === w.id);
  if (i === -1) return [w, ...list].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  const copy = [...list];
  copy[i] = fresher(list[i]!, { ...list[i]!, ...w });
  return copy;
}

/** socket → cache for workflow events (called for every envelope). */
export function applyWorkflowEnvelope(qc: QueryClient, env: Envelope) {
  if (!env.type.startsWith("workflow.") && !env.type.startsWith("agent:")) return;
  const room = parseRoom(env.room);
  if (room?.kind === "workflow" && room.id) {
    qc.setQueryData<WorkflowDetail>(workflowKeys.detail(room.id), (old) => old && applyToDetail(old, env));
  } else if (room?.kind === "project" && room.id && env.type.startsWith("workflow.")) {
    const d = env.data as Record<string, unknown>;
    const id = d.workflow_id as string;
    const current = qc.getQueryData<Workflow[]>(workflowKeys.list(room.id))?.find((w) => w.id === id);
    if (env.type === "workflow.progress") {
      const p = env.data as EventData<"workflow.progress">;
      if (!current) return void qc.invalidateQueries({ queryKey: workflowKeys.list(room.id) });
      const { workflow_id: _w, logs: _l, errors: _e, ...fields } = p;
      qc.setQueryData<Workflow[]>(workflowKeys.list(room.id), (old) => upsertList(old, { ...current, ...fields }));
    } else if (env.type === "workflow.agent_status") {
      const a = env.data as EventData<"workflow.agent_status">;
      if (current) qc.setQueryData<Workflow[]>(workflowKeys.list(room.id), (old) => old?.map((w) => (w.id === id ? { ...w, agent_status: a.agent_status } : w)));
    } else {
      const { workflow_id: _w, cancelled_by_name: _c, ...w } = env.data as EventData<"workflow.cancelled">;
      qc.setQueryData<Workflow[]>(workflowKeys.list(room.id), (old) => upsertList(old, { ...w, agent_status: w.agent_status ?? current?.agent_status }));
    }
  }
}

/** Queries a fresh join of a room may have left behind. */
export function workflowQueriesBehindRoom(room: string) {
  const r = parseRoom(room);
  if (r?.kind === "workflow" && r.id) return [workflowKeys.detail(r.id)];
  if (r?.kind === "project" && r.id) return [workflowKeys.list(r.id)];
  return [];
}

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
