// Workflows: work reported step by step; every change is published to the project and workflow rooms.
import { getPrisma } from "../db";
import { AppError, notFound } from "../errors";
import { publish } from "../realtime/publish";
import { rooms, type EventType, type EventData } from "../realtime/events";

type WorkflowRow = {
  id: string;
  projectId: string;
  name: string;
  status: string;
  progress: number;
  currentStep: number;
  totalSteps: number | null;
  result: unknown;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export function serializeWorkflow(w: WorkflowRow) {
  return {
    id: w.id,
    project_id: w.projectId,
    name: w.name,
    status: w.status,
    progress: w.progress,
    current_step: w.currentStep,
    total_steps: w.totalSteps,
    result: w.result ?? null,
    error: w.error,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}

/** Publish one event to the workflow's project room and its own room. */
export async function publishWorkflowEvent<T extends EventType>(
  w: { id: string; projectId: string },
  type: T,
  data: EventData<T>,
  source: string,
  traceId?: string | null,
) {
  await publish({ type, room: rooms.project(w.projectId), data, source, traceId });
  await publish({ type, room: rooms.workflow(w.id), data, source, traceId });
}

export async function startWorkflow(input: { projectId: string; name: string; totalSteps?: number | null; createdBy?: string | null; source: string; traceId?: string | null }) {
  const w = await getPrisma().workflow.create({
    data: { projectId: input.projectId, name: input.name, totalSteps: input.totalSteps ?? null, createdBy: input.createdBy ?? null },
  });
  await publishWorkflowEvent(w, "workflow.started", { ...serializeWorkflow(w), workflow_id: w.id }, input.source, input.traceId);
  return w;
}

const FINISHED = new Set(["completed", "failed"]);

export async function progressWorkflow(
  id: string,
  input: { progress: number; currentStep?: number; logs?: string[]; errors?: string[]; source: string; traceId?: string | null },
) {
  const prisma = getPrisma();
  const w = await prisma.workflow.findUnique({ where: { id } });
  if (!w) throw notFound("Workflow");
  if (FINISHED.has(w.status)) throw new AppError("INVALID_TRANSITION", 409, `The workflow is already ${w.status}`);
  if (input.progress < w.progress) throw new AppError("INVALID_TRANSITION", 409, `Progress cannot go back from ${w.progress} to ${input.progress}`);
  const updated = await prisma.workflow.update({
    where: { id },
    data: { progress: input.progress, currentStep: input.currentStep ?? w.currentStep },
  });
  await publishWorkflowEvent(
    updated,
    "workflow.progress",
    {
      workflow_id: id,
      status: updated.status,
      progress: updated.progress,
      current_step: updated.currentStep,
      total_steps: updated.totalSteps,
      logs: input.logs ?? [],
      errors: input.errors ?? [],
    },
    input.source,
    input.traceId,
  );
  return updated;
}

export async function finishWorkflow(
  id: string,
  outcome: { status: "completed"; result?: unknown } | { status: "failed"; error: string },
  source: string,
  traceId?: string | null,
) {
  const prisma = getPrisma();
  const w = await prisma.workflow.findUnique({ where: { id } });
  if (!w) throw notFound("Workflow");
  if (FINISHED.has(w.status)) throw new AppError("INVALID_TRANSITION", 409, `The workflow is already ${w.status}`);
  const updated = await prisma.workflow.update({
    where: { id },
    data:
      outcome.status === "completed"
        ? { status: "completed", progress: 100, currentStep: w.totalSteps ?? w.currentStep, result: outcome.result === undefined || outcome.result === null ? undefined : (outcome.result as object) }
        : { status: "failed", error: outcome.error },
  });
  const type = outcome.status === "completed" ? "workflow.completed" : "workflow.failed";
  await publishWorkflowEvent(updated, type, { ...serializeWorkflow(updated), workflow_id: id }, source, traceId);
  return updated;
}
