// Workflows: work reported step by step; every change is published to the project and workflow rooms.
// Rules: progress and current_step never go back, current_step stays within total_steps, nothing changes
// once a workflow is completed or failed. Updates of one workflow are serialised (a per-workflow lock in
// this process and a row lock in the database), and its events are published in the order of the updates.
import type { z } from "zod";
import { getPrisma } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import { keyedLock } from "../keyed-lock";
import { publish, toEnvelope } from "../realtime/publish";
import { rooms, type Envelope, type EventType, type EventData } from "../realtime/events";
import { requireProjectRole, requireRoleForChild } from "../auth/permissions";
import { redact, redactString } from "../redact";
import { fitBytes } from "../api/bounds";
import type { PublicUser } from "../users/service";
import { MAX_ERRORS, MAX_LINE, MAX_LOGS, MAX_STEPS, type TCreateWorkflow, type TProgressWorkflow, type TWorkflow, type ZListWorkflowsQuerySchema } from "./schemas";
import type { WorkflowDetail } from "../contract/workflows";

type WorkflowRow = {
  id: string;
  projectId: string;
  agentId: string | null;
  name: string;
  status: string;
  progress: number;
  currentStep: number;
  totalSteps: number | null;
  stepName: string | null;
  steps: unknown;
  logs: unknown;
  errors: unknown;
  result: unknown;
  error: string | null;
  createdBy: string | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

type Step = { step: number; name: string | null; progress: number; at: string };

export function serializeWorkflow(w: WorkflowRow): TWorkflow {
  return {
    id: w.id,
    project_id: w.projectId,
    agent_id: w.agentId,
    name: w.name,
    status: w.status as TWorkflow["status"],
    progress: w.progress,
    current_step: w.currentStep,
    total_steps: w.totalSteps,
    step_name: w.stepName,
    result: w.result ?? null,
    error: w.error,
    created_by: w.createdBy,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
    finished_at: w.finishedAt?.toISOString() ?? null,
  };
}

/** The workflow with its stored timeline, logs and errors. */
export function serializeWorkflowDetail(w: WorkflowRow): Pick<WorkflowDetail, keyof TWorkflow | "steps" | "logs" | "errors"> {
  return { ...serializeWorkflow(w), steps: asArray(w.steps) as Step[], logs: asArray(w.logs) as string[], errors: asArray(w.errors) as string[] };
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const cut = (s: string) => (s.length > MAX_LINE ? s.slice(0, MAX_LINE - 1) + "…" : s);
/**
 * New lines: at most `max` of them (the newest), secrets masked, then each cut to MAX_LINE (masked before it
 * is cut, so a secret cut in half is not left unrecognised).
 */
const capLines = (lines: string[] | undefined, max: number) => redact((lines ?? []).slice(-max)).map(cut);
const appendCapped = <T>(stored: unknown, added: T[], max: number): T[] => [...(asArray(stored) as T[]), ...added].slice(-max);

/**
 * Publish one event to the workflow's project room and its own room, masked once for both. `masked`: the
 * data was built from a masked row (the workflow service's own events).
 */
export async function publishWorkflowEvent<T extends EventType>(
  w: { id: string; projectId: string },
  type: T,
  data: EventData<T>,
  source: string,
  traceId?: string | null,
  opts: { masked?: boolean } = {},
) {
  const safe = opts.masked ? data : redact(data);
  await publish({ type, room: rooms.project(w.projectId), data: safe, source, traceId, masked: true });
  await publish({ type, room: rooms.workflow(w.id), data: safe, source, traceId, masked: true });
}

const withWorkflowLock = keyedLock("workflow");
const FINISHED = new Set(["completed", "failed"]);

const finishedError = (status: string) => new AppError("INVALID_TRANSITION", 409, `The workflow is already ${status}`);

/** Summary data of workflow.started / completed / failed. */
const summary = (w: WorkflowRow) => ({ ...serializeWorkflow(w), workflow_id: w.id });

export async function startWorkflow(input: {
  projectId: string;
  name: string;
  totalSteps?: number | null;
  agentId?: string | null;
  createdBy?: string | null;
  source: string;
  traceId?: string | null;
}) {
  const w = await getPrisma().workflow.create({
    data: { projectId: input.projectId, name: redactString(input.name), totalSteps: input.totalSteps ?? null, agentId: input.agentId ?? null, createdBy: input.createdBy ?? null },
  });
  await publishWorkflowEvent(w, "workflow.started", summary(w), input.source, input.traceId, { masked: true });
  return w;
}

/** Lock the row (other processes wait), read it, and apply `change` when allowed. */
async function lockedUpdate(id: string, change: (w: WorkflowRow) => Parameters<ReturnType<typeof getPrisma>["workflow"]["update"]>[0]["data"]) {
  return getPrisma().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT id FROM workflows WHERE id = $1::uuid FOR UPDATE`, id);
    const w = await tx.workflow.findUnique({ where: { id } });
    if (!w) throw notFound("Workflow");
    if (FINISHED.has(w.status)) throw finishedError(w.status);
    return { before: w, after: await tx.workflow.update({ where: { id }, data: change(w) }) };
  });
}

export async function progressWorkflow(
  id: string,
  input: { progress: number; currentStep?: number; stepName?: string; logs?: string[]; errors?: string[]; source: string; traceId?: string | null },
) {
  if (!isUuid(id)) throw notFound("Workflow");
  const logs = capLines(input.logs, MAX_LOGS);
  const errors = capLines(input.errors, MAX_ERRORS);
  const inputStepName = input.stepName === undefined ? undefined : redactString(input.stepName);
  return withWorkflowLock(id, async () => {
    const { after } = await lockedUpdate(id, (w) => {
      if (input.progress < w.progress) {
        throw new AppError("INVALID_TRANSITION", 409, `Progress cannot go back from ${w.progress} to ${input.progress}`);
      }
      const step = input.currentStep ?? w.currentStep;
      if (step < w.currentStep) throw new AppError("INVALID_TRANSITION", 409, `current_step cannot go back from ${w.currentStep} to ${step}`);
      if (w.totalSteps !== null && step > w.totalSteps) {
        throw new AppError("VALIDATION_FAILED", 400, `current_step ${step} is beyond total_steps ${w.totalSteps}`, [
          { field: "current_step", message: `at most ${w.totalSteps}` },
        ]);
      }
      const stepName = inputStepName ?? (step === w.currentStep ? w.stepName : null);
      const newStep = step !== w.currentStep || stepName !== w.stepName;
      const steps = newStep ? appendCapped<Step>(w.steps, [{ step, name: stepName, progress: input.progress, at: new Date().toISOString() }], MAX_STEPS) : undefined;
      return {
        progress: input.progress,
        currentStep: step,
        stepName,
        ...(steps ? { steps } : {}),
        ...(logs.length ? { logs: appendCapped(w.logs, logs, MAX_LOGS) } : {}),
        ...(errors.length ? { errors: appendCapped(w.errors, errors, MAX_ERRORS) } : {}),
      };
    });
    await publishWorkflowEvent(
      after,
      "workflow.progress",
      {
        workflow_id: id,
        project_id: after.projectId,
        name: after.name,
        status: after.status as "running",
        progress: after.progress,
        current_step: after.currentStep,
        total_steps: after.totalSteps,
        step_name: after.stepName,
        logs,
        errors,
        updated_at: after.updatedAt.toISOString(),
      },
      input.source,
      input.traceId,
      { masked: true },
    );
    return after;
  });
}

export async function finishWorkflow(
  id: string,
  outcome: { status: "completed"; result?: unknown } | { status: "failed"; error: string },
  source: string,
  traceId?: string | null,
) {
  if (!isUuid(id)) throw notFound("Workflow");
  // Masked before it is stored: the result is any JSON, the error one line.
  const result = outcome.status === "completed" && outcome.result !== undefined && outcome.result !== null ? (redact(outcome.result) as object) : undefined;
  const error = outcome.status === "failed" ? cut(redactString(outcome.error)) : "";
  return withWorkflowLock(id, async () => {
    const { after } = await lockedUpdate(id, (w) =>
      outcome.status === "completed"
        ? {
            status: "completed",
            progress: 100,
            currentStep: w.totalSteps ?? w.currentStep,
            finishedAt: new Date(),
            result,
          }
        : { status: "failed", error, finishedAt: new Date(), errors: appendCapped(w.errors, [error], MAX_ERRORS) },
    );
    const type = outcome.status === "completed" ? "workflow.completed" : "workflow.failed";
    await publishWorkflowEvent(after, type, summary(after), source, traceId, { masked: true });
    return after;
  });
}

// ---- REST (the caller's role is checked here) ----

const SOURCE = "workflow_api";

async function loadWorkflow(user: PublicUser & { agentId?: string | null; tokenKind?: string }, id: string, action: "project.read" | "workflow.report") {
  if (!isUuid(id)) throw notFound("Workflow");
  const w = await getPrisma().workflow.findUnique({ where: { id } });
  if (!w) throw notFound("Workflow");
  await requireRoleForChild(user, w.projectId, action, "Workflow");
  // An agent token changes only its own agent's workflows.
  if (action === "workflow.report" && user.tokenKind === "agent" && (!user.agentId || w.agentId !== user.agentId)) {
    throw forbidden("An agent token can only report on its own agent's workflows");
  }
  return w;
}

export async function createWorkflow(user: PublicUser & { agentId?: string | null }, projectId: string, input: TCreateWorkflow) {
  await requireProjectRole(user, projectId, "workflow.create");
  // Created with an agent token: the workflow is that agent's (its view and the agents list show it).
  const agentId = user.agentId ?? null;
  const w = await startWorkflow({ projectId, name: input.name, totalSteps: input.total_steps ?? null, createdBy: user.id, agentId, source: agentId ? `agent:${agentId}` : SOURCE });
  return serializeWorkflow(w);
}

export async function reportProgress(user: PublicUser, id: string, input: TProgressWorkflow) {
  await loadWorkflow(user, id, "workflow.report");
  const w = await progressWorkflow(id, {
    progress: input.progress,
    currentStep: input.current_step,
    stepName: input.step_name,
    logs: input.logs,
    errors: input.errors,
    source: SOURCE,
  });
  return serializeWorkflow(w);
}

export async function completeWorkflow(user: PublicUser, id: string, result: unknown) {
  await loadWorkflow(user, id, "workflow.report");
  return serializeWorkflow(await finishWorkflow(id, { status: "completed", result }, SOURCE));
}

export async function failWorkflow(user: PublicUser, id: string, error: string) {
  await loadWorkflow(user, id, "workflow.report");
  return serializeWorkflow(await finishWorkflow(id, { status: "failed", error }, SOURCE));
}

/** How many events of the workflow room GET returns (the newest). */
const MAX_TIMELINE_EVENTS = 500;

/** The workflow, its timeline, logs, errors and the events of room workflow:<id> (oldest first). */
export async function getWorkflow(user: PublicUser, id: string) {
  const w = await loadWorkflow(user, id, "project.read");
  const rows = await getPrisma().event.findMany({ where: { room: rooms.workflow(id) }, orderBy: { id: "desc" }, take: MAX_TIMELINE_EVENTS });
  // The newest events that fit in MAX_LIST_BYTES (agent events may be large); older ones replay with `since`.
  const newest = fitBytes(rows.map(toEnvelope));
  const events: Envelope[] = newest.items.reverse();
  return { ...serializeWorkflowDetail(w), events, events_truncated: newest.truncated || rows.length === MAX_TIMELINE_EVENTS, last_event_id: rows[0]?.id.toString() ?? "0" };
}

export async function listWorkflows(user: PublicUser, projectId: string, q: z.infer<typeof ZListWorkflowsQuerySchema>) {
  await requireProjectRole(user, projectId, "project.read");
  const rows = await getPrisma().workflow.findMany({
    where: { projectId, ...(q.status ? { status: q.status } : {}), ...(q.before ? { createdAt: { lt: new Date(q.before) } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return { workflows: page.map(serializeWorkflow), next_before: rows.length > q.limit ? page.at(-1)!.createdAt.toISOString() : null };
}
