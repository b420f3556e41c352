// Workflow envelopes → the React Query cache (React-free): REST reads are kept live by workflow.* / agent:* events.
// The list lives under keys.workflows(projectId) (project room events), one workflow's view under
// keys.workflow(id) (its own room's events, appended in id order).
import type { QueryClient } from "@tanstack/react-query";
import { parseRoom, type AnyEnvelope, type EnvelopeOf, type Workflow, type WorkflowDetail, type agentEvents, type workflowEvents } from "@/lib/contract";
import { workflowKeys } from "./keys";

export type { Workflow, WorkflowDetail, WorkflowStatus, WorkflowStep } from "@/lib/contract";
/** The events this cache follows: workflow.* (project and workflow rooms) and agent:* (workflow rooms). */
type WorkflowEnvelope = EnvelopeOf<typeof workflowEvents & typeof agentEvents>;

const MAX_EVENTS = 1000;
const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/** Pick the more advanced of two states of one workflow (events and reads may arrive in any order). */
export function fresher<T extends Workflow>(a: T, b: T): T {
  const rank = (w: Workflow) => (w.status === "running" ? 0 : 1);
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
        updated_at: p.updated_at,
        logs: [...d.logs, ...p.logs].slice(-500),
        errors: [...d.errors, ...p.errors].slice(-200),
        steps: stepChanged ? [...d.steps, { step: p.current_step, name: p.step_name, progress: p.progress, at: env.timestamp }] : d.steps,
      };
    }
    case "workflow.completed":
    case "workflow.failed": {
      const w = env.data;
      const { workflow_id: _w, ...fields } = w;
      return { ...next, ...fields, errors: env.type === "workflow.failed" && w.error ? [...d.errors, w.error] : d.errors };
    }
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
    case "workflow.started":
    case "workflow.completed":
    case "workflow.failed": {
      const { workflow_id: _w, ...w } = env.data;
      qc.setQueryData<Workflow[]>(list, (old) => upsertList(old, w));
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
