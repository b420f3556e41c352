// Agent work reported by an external agent (socket agent:event or REST POST /workflows/{id}/events):
// validated per type, stamped by the server (timestamp, source agent:<id>, agent_id, workflow_id — never the
// client's), masked once (lib/redact.ts) and fanned out to the workflow's project room and workflow:<id>.
//
// The ingest path is the product's heartbeat, so nothing on it is done per event that can be done once:
// - who may report on which workflow (the workflow's project and trace, the agent's projects, the caller's
//   role) is looked up once and kept in a small cache (./event-access.ts) for a few seconds, dropped early
//   when this process publishes a membership or project change;
// - both rooms' copies go into the same tick's group commit (lib/realtime/publish.ts publishAll);
// - the agent's lastSeenAt is written at most once per LAST_SEEN_EVERY_MS, without holding up the ack.
import { z } from "zod";
import { getPrisma } from "../db";
import { AppError, forbidden } from "../errors";
import { publishAll } from "../realtime/publish";
import { AGENT_WORK_DATA, AGENT_WORK_TYPES, type AgentWorkType } from "../contract/agents";
import { rooms } from "../contract/rooms";
import type { Caller } from "../auth/identify";
import { redact } from "../redact";
import { zodDetails } from "../errors";
import { part } from "../runtime";
import { eventAccess } from "./event-access";

export { AGENT_WORK_TYPES };

export const ZAgentEventBody = z.object({
  type: z.enum(AGENT_WORK_TYPES as [AgentWorkType, ...AgentWorkType[]]),
  data: z.record(z.string(), z.unknown()),
});

/** An agent's lastSeenAt is written at most this often by its events (presence writes it too). */
export const LAST_SEEN_EVERY_MS = 5000;

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
  const w = await eventAccess(caller, workflowId);
  // Client-sent workflow_id, agent_id, timestamp or source inside data are replaced by the server's.
  const data = { ...redact(parsed.data), workflow_id: w.workflowId, agent_id: w.agentId } as never;
  const source = `agent:${w.agentId}`;
  // An agent's event belongs to its workflow's trace.
  const traceId = w.traceId;
  const [env] = await publishAll([
    { type, room: rooms.project(w.projectId), data, source, traceId, masked: true },
    { type, room: rooms.workflow(w.workflowId), data, source, traceId, masked: true },
  ]);
  touchLastSeen(w.agentId);
  return { id: env!.id };
}

/** Write the agent's lastSeenAt now unless it was written in the last LAST_SEEN_EVERY_MS (not awaited). */
function touchLastSeen(agentId: string) {
  const seen = part("agent last seen writes", () => new Map<string, number>());
  const now = Date.now();
  const last = seen.get(agentId);
  if (last !== undefined && now - last < LAST_SEEN_EVERY_MS) return;
  seen.set(agentId, now);
  if (seen.size > 10_000) for (const [k, t] of seen) if (now - t >= LAST_SEEN_EVERY_MS) seen.delete(k);
  void getPrisma()
    .agent.update({ where: { id: agentId }, data: { lastSeenAt: new Date(now) } })
    .catch(() => {});
}
