// Workflow envelopes → the React Query cache (React-free): REST reads are kept live by workflow.* / agent:* events.
// The list lives under keys.workflows(projectId) (project room events), one workflow's view under
// keys.workflow(id) (its own room's events, appended in id order).
import type { QueryClient } from "@tanstack/react-query";
import { parseRoom, type AnyEnvelope, type EnvelopeOf, type Workflow, type WorkflowDetail, type agentEvents, type workflowEvents } from "@/lib/contract";
import { workflowKeys } from "./keys";

export type { Workflow, WorkflowDetail, WorkflowStatus, WorkflowStep } from "@/lib/contract";
export type AgentPresence = "online" | "offline" | "busy" | "idle" | "error";
export const isActiveWorkflow = (w: Pick<Workflow, "status">) => w.status === "pending" || w.status === "running";
/** The events this cache follows: workflow.* (project and workflow rooms) and agent:* (workflow rooms). */
type WorkflowEnvelope = EnvelopeOf<typeof workflowEvents & typeof agentEvents>;

const MAX_EVENTS = 1000;
const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/** Pick the more advanced of two states of one workflow (events and reads may arrive in any order). */
export function fresher<T extends Workflow>(a: T, b: T): T {
  const rank = (w: Workflow) => (w.status === "pending" ? 0 : w.status === "running" ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) > rank(b) ? a : b;
  if (a.progress !== b.progress) return a.progress > b.progress ? a : b;
  return a.updated_at >= b.updated_at ? a : b;
}

/** Apply one envelope of a workflow's own room to its view. */
export function applyToDetail(d: WorkflowDetail, env: AnyEnvelope): WorkflowDetail {
  if (!newer(env.id, d.last_event_id)) return d;
  const next: WorkflowDetail = { ...d, events: [...d.events, env].slice(-MAX_EVENTS), last_event_id: env.id };
  switch (env.type) {
    case "workflow.progress": {
      const p = env.data;
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
      const w = env.data;
      const { workflow_id: _w, ...fields } = w as typeof w & { cancelled_by_name?: unknown };
      delete (fields as { cancelled_by_name?: unknown }).cancelled_by_name;
      return {
        ...next,
        ...fields,
        agent_status: d.agent_status,
        errors: env.type === "workflow.failed" && w.error ? [...d.errors, w.error] : d.errors,
        logs: env.type === "workflow.cancelled" && w.error ? [...d.logs, w.error].slice(-500) : d.logs,
      };
    }
    case "workflow.agent_status":
      return { ...next, agent_status: env.data.agent_status };
    default:
      return next;
  }
}

/** A re-read replaces the view but keeps live events it does not have yet. */
export function mergeRead(old: WorkflowDetail | undefined, read: WorkflowDetail): WorkflowDetail {
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
export function applyWorkflowEnvelope(qc: QueryClient, env: AnyEnvelope) {
  switch (env.type) {
    case "workflow.started":
    case "workflow.progress":
    case "workflow.completed":
    case "workflow.failed":
    case "workflow.cancelled":
    case "workflow.agent_status":
    case "agent:thought":
    case "agent:tool_call":
    case "agent:result":
    case "agent:error":
      return applyToRooms(qc, env);
  }
}

function applyToRooms(qc: QueryClient, env: WorkflowEnvelope) {
  const room = parseRoom(env.room);
  if (room?.kind === "workflow" && room.id) {
    qc.setQueryData<WorkflowDetail>(workflowKeys.detail(room.id), (old) => old && applyToDetail(old, env));
    return;
  }
  if (room?.kind !== "project" || !room.id) return;
  const list = workflowKeys.list(room.id);
  switch (env.type) {
    case "workflow.progress": {
      const current = qc.getQueryData<Workflow[]>(list)?.find((w) => w.id === env.data.workflow_id);
      if (!current) return void qc.invalidateQueries({ queryKey: list });
      const { workflow_id: _w, logs: _l, errors: _e, ...fields } = env.data;
      qc.setQueryData<Workflow[]>(list, (old) => upsertList(old, { ...current, ...fields }));
      return;
    }
    case "workflow.agent_status": {
      const a = env.data;
      qc.setQueryData<Workflow[]>(list, (old) => old?.map((w) => (w.id === a.workflow_id ? { ...w, agent_status: a.agent_status } : w)));
      return;
    }
    case "workflow.started":
    case "workflow.completed":
    case "workflow.failed":
    case "workflow.cancelled": {
      const { workflow_id: _w, ...w } = env.data as typeof env.data & { cancelled_by_name?: unknown };
      delete (w as { cancelled_by_name?: unknown }).cancelled_by_name;
      const current = qc.getQueryData<Workflow[]>(list)?.find((x) => x.id === env.data.workflow_id);
      qc.setQueryData<Workflow[]>(list, (old) => upsertList(old, { ...w, agent_status: w.agent_status ?? current?.agent_status }));
      return;
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
