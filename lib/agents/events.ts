// Agent work reported by an external agent (socket agent:event or REST POST /workflows/{id}/events):
// validated per type, stamped by the server (timestamp, source agent:<id>, agent_id, workflow_id — never the
// client's), masked once (lib/redact.ts) and fanned out to the workflow's project room and workflow:<id>.
import { z } from "zod";
import { getPrisma } from "../db";
import { AppError, forbidden, notFound, zodDetails } from "../errors";
import { isUuid } from "../ids";
import { publish } from "../realtime/publish";
import { AGENT_WORK_DATA, AGENT_WORK_TYPES, type AgentWorkType } from "../contract/agents";
import { rooms } from "../contract/rooms";
import { projectRole, requireRoleForChild } from "../auth/permissions";
import type { Caller } from "../auth/identify";
import { redact } from "../redact";

export { AGENT_WORK_TYPES };

export const ZAgentEventBody = z.object({
  type: z.enum(AGENT_WORK_TYPES as [AgentWorkType, ...AgentWorkType[]]),
  data: z.record(z.string(), z.unknown()),
});

/** Publish one agent:* event for the calling agent; returns the event id (of the project room's copy). */
export async function publishAgentEvent(caller: Caller, workflowId: string, type: AgentWorkType, rawData: unknown): Promise<{ id: string }> {
  if (caller.tokenKind !== "agent" || !caller.agentId) throw forbidden("Only agents (with an agent token) can report agent events");
  const parsed = AGENT_WORK_DATA[type].safeParse(rawData);
  if (!parsed.success) {
    throw new AppError(
      "VALIDATION_FAILED",
      400,
      `Invalid ${type} data`,
      zodDetails(parsed.error, { prefix: ["data"] }),
    );
  }
  const prisma = getPrisma();
  const w = isUuid(workflowId) ? await prisma.workflow.findUnique({ where: { id: workflowId }, select: { id: true, projectId: true, traceId: true } }) : null;
  if (!w || !(await projectRole(caller, w.projectId))) throw notFound("Workflow", "workflow_id");
  const agent = await prisma.agent.findUnique({ where: { id: caller.agentId } });
  if (!agent) throw forbidden("This token's agent no longer exists");
  if (agent.projectIds.length && !agent.projectIds.includes(w.projectId)) throw notFound("Workflow", "workflow_id");
  // The table's agent.event: an agent token whose user is at least a member of the workflow's project.
  await requireRoleForChild(caller, w.projectId, "agent.event", "Workflow");
  // Client-sent workflow_id, agent_id, timestamp or source inside data are replaced by the server's.
  const data = { ...redact(parsed.data), workflow_id: w.id, agent_id: agent.id } as never;
  const source = `agent:${agent.id}`;
  // An agent's event belongs to its workflow's trace.
  const traceId = w.traceId ?? null;
  const env = await publish({ type, room: rooms.project(w.projectId), data, source, traceId, masked: true });
  await publish({ type, room: rooms.workflow(w.id), data, source, traceId, masked: true });
  await prisma.agent.update({ where: { id: agent.id }, data: { lastSeenAt: new Date() } }).catch(() => {});
  return { id: env.id };
}
