// Agents: registration, visibility, presence. Presence is counted from the sockets in an internal room per
// agent (`presence:<agent id>`, not joinable by clients) across every process (fetchSockets goes through the
// Redis adapter), and flipped in the database with conditional updates, so exactly one process announces
// an agent's first connection and its last disconnection.
import { errInfo, logger } from "../logger";
import { announceAgentToWorkflows } from "../workflows/service";
import { z } from "zod";
import { getPrisma } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import { publish } from "../realtime/publish";
import { rooms } from "../realtime/events";
import { disconnectRoom, socketCounts } from "../realtime/hub";
import { invalidate } from "../auth/lookup-cache";
import { canSeeAgent, requireAction, requireProjectRole } from "../auth/permissions";
import { checkProjectScope, tokenRoom } from "../auth/api-tokens";
import type { Caller } from "../auth/identify";
import type { PublicUser } from "../auth/users";
import { redact } from "../redact";
import { AGENT_STATUSES, type Agent, type AgentStatus } from "../contract/agents";
import { internalRooms } from "../contract/rooms";

export const presenceRoom = internalRooms.presence;

export { AGENT_STATUSES, type AgentStatus };

export const ZCreateAgent = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.string().trim().min(1).max(50).default("custom"),
    project_ids: z.array(z.string()).max(100).default([]),
  })
  .strict();

/** The agent:status command (and PUT /agents/{id}/status): an agent reports what it is doing. */
export const ZAgentStatus = z
  .object({
    status: z.enum(["online", "busy", "idle", "error"]),
    availability: z.number().min(0).max(100).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

type AgentRow = {
  id: string;
  name: string;
  kind: string;
  projectIds: string[];
  status: string;
  metadata: unknown;
  lastSeenAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export function serializeAgent(a: AgentRow, connections = 0): Agent {
  const meta = (a.metadata && typeof a.metadata === "object" ? a.metadata : {}) as Record<string, unknown>;
  const { availability, ...metadata } = meta;
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    project_ids: a.projectIds,
    status: a.status as AgentStatus,
    availability: typeof availability === "number" ? availability : null,
    metadata,
    last_seen_at: a.lastSeenAt?.toISOString() ?? null,
    connections,
    created_by: a.createdBy,
    created_at: a.createdAt.toISOString(),
  };
}
export type AgentView = ReturnType<typeof serializeAgent>;

/** Open connections per agent (its sockets in its presence room), over every namespace and process. */
async function connectionCounts(agentIds: string[]): Promise<Map<string, number>> {
  const byRoom = await socketCounts(agentIds.map(presenceRoom));
  return new Map(agentIds.map((id) => [id, byRoom.get(presenceRoom(id)) ?? 0]));
}

/** Agents listed at most (the newest visible ones; metadata is capped, so this bounds bytes too). */
export const MAX_AGENTS = 500;

export async function listAgents(user: PublicUser): Promise<AgentView[]> {
  const all = await getPrisma().agent.findMany({ orderBy: { createdAt: "desc" } });
  const visible: AgentRow[] = [];
  for (const a of all) {
    if (visible.length >= MAX_AGENTS) break;
    if (await canSeeAgent(user, a)) visible.push(a);
  }
  const counts = await connectionCounts(visible.map((a) => a.id));
  return visible.map((a) => serializeAgent(a, counts.get(a.id) ?? 0));
}

async function findVisible(user: PublicUser, id: string): Promise<AgentRow> {
  const a = isUuid(id) ? await getPrisma().agent.findUnique({ where: { id } }) : null;
  if (!a || !(await canSeeAgent(user, a))) throw notFound("Agent");
  return a;
}

export async function getAgent(user: PublicUser, id: string): Promise<AgentView> {
  const a = await findVisible(user, id);
  const counts = await connectionCounts([a.id]);
  return serializeAgent(a, counts.get(a.id) ?? 0);
}

export async function listProjectAgents(user: PublicUser, projectId: string): Promise<AgentView[]> {
  await requireProjectRole(user, projectId, "project.read");
  const all = await getPrisma().agent.findMany({ where: { projectIds: { has: projectId.toLowerCase() } }, orderBy: { name: "asc" }, take: MAX_AGENTS });
  const counts = await connectionCounts(all.map((a) => a.id));
  return all.map((a) => serializeAgent(a, counts.get(a.id) ?? 0));
}

export async function createAgent(caller: Caller, input: z.infer<typeof ZCreateAgent>): Promise<AgentView> {
  requireAction(caller, "agent.manage"); // not with an agent token
  const projectIds = await checkProjectScope(caller, input.project_ids);
  const a = await getPrisma().agent.create({ data: { name: input.name, kind: input.kind, projectIds, createdBy: caller.id } });
  return serializeAgent(a);
}

export async function deleteAgent(caller: Caller, id: string): Promise<void> {
  const a = await findVisible(caller, id);
  requireAction(caller, "agent.manage"); // not with an agent token
  if (a.createdBy !== caller.id && caller.role !== "admin") throw forbidden("Only the agent's creator or an admin can delete it");
  const prisma = getPrisma();
  const tokens = await prisma.apiToken.findMany({ where: { agentId: a.id }, select: { id: true } });
  await prisma.agent.delete({ where: { id: a.id } }); // its tokens go with it (cascade)
  await invalidate(...tokens.map((t) => ({ kind: "token" as const, tokenId: t.id })));
  for (const t of tokens) disconnectRoom(tokenRoom(t.id), "The agent was deleted");
  if (a.status !== "offline") await announce({ ...a, status: "offline" }, "agent.disconnected", { reason: "deleted" });
}

/* ---------- presence ---------- */

/** Presence goes to the agent's own room and its projects' rooms only (never `global`: only those who share a project see it). */
function presenceRooms(a: { id: string; projectIds: string[] }) {
  return [rooms.agent(a.id), ...a.projectIds.map(rooms.project)];
}

async function announce(a: AgentRow, type: "agent.connected" | "agent.disconnected" | "agent.status_changed", extra: Record<string, unknown> = {}) {
  const v = serializeAgent(a);
  const base = {
    agent_id: v.id,
    agent_name: v.name,
    status: v.status,
    availability: v.availability,
    metadata: v.metadata,
    last_seen_at: v.last_seen_at,
    project_ids: v.project_ids,
    ...extra,
  };
  for (const room of presenceRooms(a)) {
    if (type !== "agent.status_changed") await publish({ type, room, data: base, source: "agent_service" });
    await publish({ type: "agent.status_changed", room, data: base, source: "agent_service" });
  }
  // Its pending/running workflows show that their agent went away (or came back).
  if (type !== "agent.status_changed") await announceAgentToWorkflows({ id: a.id, name: a.name, status: v.status }).catch((e) => logger().error(errInfo(e), "[agents] workflow presence"));
}

async function countConnections(agentId: string): Promise<number> {
  return (await connectionCounts([agentId])).get(agentId) ?? 0;
}

/** An agent's socket connected (it is already in its presence room). */
export async function agentSocketConnected(agentId: string): Promise<void> {
  const prisma = getPrisma();
  const now = new Date();
  const flipped = await prisma.agent.updateMany({ where: { id: agentId, status: "offline" }, data: { status: "online", lastSeenAt: now } });
  if (flipped.count === 0) {
    await prisma.agent.updateMany({ where: { id: agentId }, data: { lastSeenAt: now } });
    return;
  }
  const a = await prisma.agent.findUnique({ where: { id: agentId } });
  if (a) await announce(a, "agent.connected", { connections: await countConnections(agentId) });
}

/** An agent's socket went away (it has left its rooms): announce offline when it was the last one. */
export async function agentSocketDisconnected(agentId: string, reason: string): Promise<void> {
  if ((await countConnections(agentId)) > 0) return;
  const prisma = getPrisma();
  const flipped = await prisma.agent.updateMany({ where: { id: agentId, status: { not: "offline" } }, data: { status: "offline", lastSeenAt: new Date() } });
  if (flipped.count === 0) return;
  const a = await prisma.agent.findUnique({ where: { id: agentId } });
  if (a) await announce(a, "agent.disconnected", { reason, connections: 0 });
}

/** Agent metadata is at most this many bytes of JSON (after masking); more is refused, never cut. */
export const AGENT_METADATA_MAX_BYTES = 4096;

/**
 * An agent reports its status (busy, idle, error, online), availability and metadata. Metadata, when sent,
 * replaces what was stored (never merged into it); when omitted, the stored metadata stays.
 */
export async function setAgentStatus(caller: Caller, agentId: string, input: z.infer<typeof ZAgentStatus>): Promise<AgentView> {
  requireAction(caller, "agent.status"); // agent tokens only
  if (caller.agentId !== agentId) throw forbidden("Only the agent itself (with its agent token) can report its status");
  let metadata: Record<string, unknown> | undefined;
  if (input.metadata !== undefined) {
    const { availability: _ignored, ...rest } = redact(input.metadata) as Record<string, unknown>; // masked before it is stored
    const bytes = Buffer.byteLength(JSON.stringify(rest));
    if (bytes > AGENT_METADATA_MAX_BYTES) {
      const message = `metadata is ${bytes} bytes as JSON; at most ${AGENT_METADATA_MAX_BYTES} are allowed`;
      throw new AppError("VALIDATION_FAILED", 400, message, [{ field: "metadata", message }]);
    }
    metadata = rest;
  }
  const prisma = getPrisma();
  const current = await prisma.agent.findUnique({ where: { id: agentId } });
  if (!current) throw notFound("Agent");
  const stored = (current.metadata && typeof current.metadata === "object" ? current.metadata : {}) as Record<string, unknown>;
  const meta: Record<string, unknown> = metadata ?? { ...stored };
  delete meta.availability;
  const availability = input.availability ?? stored.availability;
  if (typeof availability === "number") meta.availability = availability;
  const a = await prisma.agent.update({ where: { id: agentId }, data: { status: input.status, metadata: meta as object, lastSeenAt: new Date() } });
  await announce(a, "agent.status_changed");
  const counts = await connectionCounts([a.id]);
  return serializeAgent(a, counts.get(a.id) ?? 0);
}

/** At start: agents marked online with no connection anywhere (a crashed process) go offline. */
export async function sweepPresence(): Promise<number> {
  const prisma = getPrisma();
  const stale = await prisma.agent.findMany({ where: { status: { not: "offline" } }, select: { id: true } });
  let n = 0;
  for (const { id } of stale) {
    try {
      await agentSocketDisconnected(id, "stale");
      n++;
    } catch (e) {
      logger().error({ ...errInfo(e), agent_id: id }, "[agents] presence sweep failed");
    }
  }
  return n;
}
