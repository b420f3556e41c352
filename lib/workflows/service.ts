// Workflows: work reported step by step; every change is published to the project and workflow rooms.
// Lifecycle: pending → running → completed | failed | cancelled. Rules: progress and current_step never go
// back, current_step stays within total_steps, nothing changes once a workflow is finished. Updates of one
// workflow are serialised (a per-workflow lock in this process and a row lock in the database), and its
// events are published in the order of the updates. A running workflow without an update for
// WORKFLOW_STALE_AFTER_MS ends failed (reason `stale`): one conditional UPDATE per sweep, so with several
// processes each workflow is ended (and announced) once.
import { errInfo, logger } from "../logger";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { getPrisma } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import { keyedLock } from "../keyed-lock";
import { publish, toEnvelope } from "../realtime/publish";
import { rooms, type Envelope, type EventType, type EventData } from "../realtime/events";
import { FINISHED_WORKFLOW_STATUSES } from "../contract/workflows";
import { requireProjectRole, requireRoleForChild } from "../auth/permissions";
import { redact, redactString } from "../redact";
import { fitBytes } from "../api/bounds";
import type { PublicUser } from "../auth/users";
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
  reason: string | null;
  cancelledBy: string | null;
  startedAt: Date | null;
  createdBy: string | null;
  traceId?: string | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

type Step = { step: number; name: string | null; progress: number; at: string };

/**
 * Seconds left at the rate progress went from the start to the last update: elapsed × (100 − p) / p.
 * Null before any progress and once finished.
 */
export function estimateRemaining(w: Pick<WorkflowRow, "status" | "progress" | "startedAt" | "createdAt" | "updatedAt">): number | null {
  if (w.status !== "running" || w.progress <= 0 || w.progress >= 100) return null;
  const elapsedS = Math.max(0, (w.updatedAt.getTime() - (w.startedAt ?? w.createdAt).getTime()) / 1000);
  return Math.round((elapsedS * (100 - w.progress)) / w.progress);
}

export function serializeWorkflow(w: WorkflowRow, agentStatus?: TWorkflow["agent_status"]): TWorkflow {
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
    reason: (w.reason as TWorkflow["reason"]) ?? null,
    cancelled_by: w.cancelledBy,
    started_at: w.startedAt?.toISOString() ?? null,
    estimated_time_remaining: estimateRemaining(w),
    ...(agentStatus !== undefined ? { agent_status: agentStatus } : {}),
    created_by: w.createdBy,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
    finished_at: w.finishedAt?.toISOString() ?? null,
    trace_id: w.traceId ?? null,
  };
}

/** The workflow with its stored timeline, logs and errors. */
export function serializeWorkflowDetail(w: WorkflowRow, agentStatus?: TWorkflow["agent_status"]): Pick<WorkflowDetail, keyof TWorkflow | "steps" | "logs" | "errors"> {
  return { ...serializeWorkflow(w, agentStatus), steps: asArray(w.steps) as Step[], logs: asArray(w.logs) as string[], errors: asArray(w.errors) as string[] };
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
  w: { id: string; projectId: string; traceId?: string | null },
  type: T,
  data: EventData<T>,
  source: string,
  traceId?: string | null,
  opts: { masked?: boolean } = {},
) {
  const safe = opts.masked ? data : redact(data);
  // An event of a workflow belongs to its trace (its own, or the prompt's that started it).
  traceId = traceId ?? w.traceId ?? null;
  await publish({ type, room: rooms.project(w.projectId), data: safe, source, traceId, masked: true });
  await publish({ type, room: rooms.workflow(w.id), data: safe, source, traceId, masked: true });
}

const withWorkflowLock = keyedLock("workflow");
const FINISHED = new Set<string>(FINISHED_WORKFLOW_STATUSES);

const finishedError = (status: string) =>
  new AppError("INVALID_TRANSITION", 409, `The workflow is already ${status}; a finished workflow cannot change`, { status });

/** Summary data of workflow.started / completed / failed. */
const summary = (w: WorkflowRow) => ({ ...serializeWorkflow(w), workflow_id: w.id });

export async function startWorkflow(input: {
  projectId: string;
  name: string;
  /** pending: waits (its first progress report makes it running); default running. */
  status?: "pending" | "running";
  totalSteps?: number | null;
  agentId?: string | null;
  createdBy?: string | null;
  source: string;
  traceId?: string | null;
}) {
  const w = await getPrisma().workflow.create({
    data: {
      projectId: input.projectId,
      name: redactString(input.name),
      status: input.status ?? "running",
      startedAt: input.status === "pending" ? null : new Date(),
      totalSteps: input.totalSteps ?? null,
      agentId: input.agentId ?? null,
      createdBy: input.createdBy ?? null,
      traceId: input.traceId ?? randomUUID(),
    },
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
        // The first report of a pending workflow starts it.
        ...(w.status === "pending" ? { status: "running", startedAt: new Date() } : {}),
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
        estimated_time_remaining: estimateRemaining(after),
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
            startedAt: w.startedAt ?? new Date(),
            result,
          }
        : { status: "failed", reason: "reported", error, finishedAt: new Date(), errors: appendCapped(w.errors, [error], MAX_ERRORS) },
    );
    const type = outcome.status === "completed" ? "workflow.completed" : "workflow.failed";
    await publishWorkflowEvent(after, type, summary(after), source, traceId, { masked: true });
    return after;
  });
}

/**
 * Cancel a pending or running workflow: workflow.cancelled goes to the project and workflow rooms and to
 * the owning agent's room agent:<id> (an agent listening there stops its work). 409 once finished.
 */
export async function cancelWorkflowById(id: string, by: { id: string; name: string } | null, reason: string | undefined, source: string) {
  if (!isUuid(id)) throw notFound("Workflow");
  const why = cut(redactString(reason?.trim() || (by ? `Cancelled by ${by.name}` : "Cancelled")));
  return withWorkflowLock(id, async () => {
    const { after } = await lockedUpdate(id, (w) => ({
      status: "cancelled",
      reason: "cancelled",
      error: why,
      cancelledBy: by?.id ?? null,
      finishedAt: new Date(),
      logs: appendCapped(w.logs, [why], MAX_LOGS),
    }));
    const data = { ...summary(after), cancelled_by_name: by?.name ?? null };
    await publishWorkflowEvent(after, "workflow.cancelled", data, source, null, { masked: true });
    if (after.agentId) await publish({ type: "workflow.cancelled", room: rooms.agent(after.agentId), data, source, masked: true });
    return after;
  });
}

/** What a stale workflow's error says. */
export const staleMessage = (ms: number) => `No update for ${Math.round(ms / 1000)} s (WORKFLOW_STALE_AFTER_MS): the workflow was ended as stale`;

/**
 * End every running workflow whose last update is older than `staleAfterMs`: failed, reason `stale`. The
 * UPDATE is conditional (status running AND updated_at before the cutoff), so a process racing another — or
 * a progress report that just landed (it holds the row lock; the UPDATE re-checks after it) — never ends
 * one twice or ends a fresh one; only the rows this UPDATE returned are announced (workflow.failed).
 */
export async function sweepStaleWorkflows(staleAfterMs: number, now = new Date()): Promise<number> {
  const prisma = getPrisma();
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const message = staleMessage(staleAfterMs);
  const ended = await prisma.workflow.updateManyAndReturn({
    where: { status: "running", updatedAt: { lt: cutoff } },
    data: { status: "failed", reason: "stale", error: message, finishedAt: now },
  });
  for (const w of ended) {
    // The row is finished: nothing else writes it any more, so the error line is appended without a lock.
    const after = await prisma.workflow.update({ where: { id: w.id }, data: { errors: appendCapped(w.errors, [message], MAX_ERRORS) } }).catch(() => w);
    await publishWorkflowEvent(after, "workflow.failed", summary(after), "workflow_service", null, { masked: true });
  }
  return ended.length;
}

/** Every process sweeps on a timer (a quarter of the stale time, between 250 ms and 60 s); returns the stop function. */
export function startStaleSweep(staleAfterMs: number): () => void {
  const every = Math.min(60_000, Math.max(250, Math.floor(staleAfterMs / 4)));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepStaleWorkflows(staleAfterMs)
      .then((n) => n && logger().info(`[workflows] ${n} stale workflow(s) ended failed`))
      .catch((e) => logger().error(errInfo(e), "[workflows] stale sweep failed"))
      .finally(() => (running = false));
  }, every);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The agent of pending/running workflows went offline (or came back): workflow.agent_status to each one's
 * project and workflow rooms, so their pages show it.
 */
export async function announceAgentToWorkflows(agent: { id: string; name: string; status: string }) {
  const active = await getPrisma().workflow.findMany({ where: { agentId: agent.id, status: { in: ["pending", "running"] } }, select: { id: true, projectId: true }, take: 500 });
  for (const w of active) {
    await publishWorkflowEvent(
      w,
      "workflow.agent_status",
      { workflow_id: w.id, project_id: w.projectId, agent_id: agent.id, agent_name: agent.name, agent_status: agent.status as "offline" },
      "agent_service",
      null,
      { masked: true },
    );
  }
}

// ---- REST (the caller's role is checked here) ----

const SOURCE = "workflow_api";

async function loadWorkflow(user: PublicUser & { agentId?: string | null; tokenKind?: string }, id: string, action: "project.read" | "workflow.report" | "workflow.cancel") {
  if (!isUuid(id)) throw notFound("Workflow");
  const w = await getPrisma().workflow.findUnique({ where: { id } });
  if (!w) throw notFound("Workflow");
  await requireRoleForChild(user, w.projectId, action, "Workflow");
  // An agent token changes only its own agent's workflows.
  if (action !== "project.read" && user.tokenKind === "agent" && (!user.agentId || w.agentId !== user.agentId)) {
    throw forbidden(`An agent token can only ${action === "workflow.cancel" ? "cancel" : "report on"} its own agent's workflows`);
  }
  return w;
}

export async function createWorkflow(user: PublicUser & { agentId?: string | null }, projectId: string, input: TCreateWorkflow) {
  await requireProjectRole(user, projectId, "workflow.create");
  // Created with an agent token: the workflow is that agent's (its view and the agents list show it).
  const agentId = user.agentId ?? null;
  const w = await startWorkflow({
    projectId,
    name: input.name,
    status: input.status,
    totalSteps: input.total_steps ?? null,
    createdBy: user.id,
    agentId,
    source: agentId ? `agent:${agentId}` : SOURCE,
  });
  return serializeWorkflow(w, await agentStatusOf(w.agentId));
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

export async function cancelWorkflow(user: PublicUser, id: string, reason?: string) {
  await loadWorkflow(user, id, "workflow.cancel");
  const w = await cancelWorkflowById(id, { id: user.id, name: user.name }, reason, SOURCE);
  return serializeWorkflow(w, await agentStatusOf(w.agentId));
}

async function agentStatusOf(agentId: string | null): Promise<TWorkflow["agent_status"]> {
  if (!agentId) return null;
  const a = await getPrisma().agent.findUnique({ where: { id: agentId }, select: { status: true } });
  return (a?.status as TWorkflow["agent_status"]) ?? null;
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
  return { ...serializeWorkflowDetail(w, await agentStatusOf(w.agentId)), events, events_truncated: newest.truncated || rows.length === MAX_TIMELINE_EVENTS, last_event_id: rows[0]?.id.toString() ?? "0" };
}

export async function listWorkflows(user: PublicUser, projectId: string, q: z.infer<typeof ZListWorkflowsQuerySchema>) {
  await requireProjectRole(user, projectId, "project.read");
  const rows = await getPrisma().workflow.findMany({
    where: { projectId, ...(q.status ? { status: q.status } : {}), ...(q.before ? { createdAt: { lt: new Date(q.before) } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const agentIds = [...new Set(page.map((w) => w.agentId).filter((x): x is string => !!x))];
  const agents = new Map(
    (agentIds.length ? await getPrisma().agent.findMany({ where: { id: { in: agentIds } }, select: { id: true, status: true } }) : []).map((a) => [a.id, a.status as TWorkflow["agent_status"]]),
  );
  return { workflows: page.map((w) => serializeWorkflow(w, w.agentId ? (agents.get(w.agentId) ?? null) : null)), next_before: rows.length > q.limit ? page.at(-1)!.createdAt.toISOString() : null };
}
