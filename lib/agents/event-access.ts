// Who may report agent events on which workflow, looked up once and kept for a few seconds (the ingest path,
// ./events.ts): the workflow's project and trace, the agent's projects, and the caller's role in the project
// (the table's agent.event: an agent token whose user is at least a member). Only a grant is cached, per
// credential (token id, user, instance role, scope) and workflow; a refusal is looked up again every time.
//
// Freshness: an entry lives ACCESS_TTL_MS at most. This process drops a project's entries as soon as it
// publishes a membership change or the project's deletion (member.added/updated/removed, project.deleted);
// another process's changes reach this cache within the TTL. A deleted agent's tokens are gone (cascade) and
// its sockets disconnected, so its credential no longer reaches this path.
import { getPrisma } from "../db";
import { forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import { callerKind, decide, projectRole } from "../auth/permissions";
import type { Caller } from "../auth/identify";
import { onPublish } from "../realtime/publish";
import { part } from "../runtime";

export const ACCESS_TTL_MS = 3000;
const MAX_ENTRIES = 10_000;

export type EventAccess = { workflowId: string; projectId: string; traceId: string | null; agentId: string };

type Entry = EventAccess & { expires: number };
type Cache = { entries: Map<string, Entry>; unsubscribe: () => void };

const INVALIDATING = new Set(["member.added", "member.updated", "member.removed", "project.deleted"]);

const cache = () =>
  part<Cache>("agent event access", () => {
    const entries = new Map<string, Entry>();
    const unsubscribe = onPublish((env) => {
      if (!INVALIDATING.has(env.type)) return;
      const projectId = env.room.startsWith("project:") ? env.room.slice("project:".length) : null;
      if (projectId) forgetProject(entries, projectId);
      else entries.clear();
    });
    return { entries, unsubscribe };
  });

function forgetProject(entries: Map<string, Entry>, projectId: string) {
  for (const [k, e] of entries) if (e.projectId === projectId) entries.delete(k);
}

/** Drop every cached grant (tests; a change this module cannot see by its events). */
export function clearEventAccess(projectId?: string): void {
  const c = cache();
  if (projectId) forgetProject(c.entries, projectId);
  else c.entries.clear();
}

/**
 * The caller's grant to report agent events on this workflow: 404 NOT_FOUND (field workflow_id) when the
 * workflow does not exist or is not in a project the caller and its agent can see, 403 when the token's
 * agent is gone or the caller's role is below member.
 */
export async function eventAccess(caller: Caller, workflowId: string): Promise<EventAccess> {
  const c = cache();
  const key = `${caller.tokenId ?? ""}|${caller.id}|${caller.role}|${caller.agentId}|${caller.scope?.join(",") ?? ""}|${workflowId}`;
  const now = Date.now();
  const hit = c.entries.get(key);
  if (hit && hit.expires > now) return hit;
  if (hit) c.entries.delete(key);
  const grant = await lookUp(caller, workflowId);
  if (c.entries.size >= MAX_ENTRIES) {
    for (const [k, e] of c.entries) if (e.expires <= now) c.entries.delete(k);
    if (c.entries.size >= MAX_ENTRIES) c.entries.clear();
  }
  c.entries.set(key, { ...grant, expires: now + ACCESS_TTL_MS });
  return grant;
}

async function lookUp(caller: Caller, workflowId: string): Promise<EventAccess> {
  const prisma = getPrisma();
  const w = isUuid(workflowId) ? await prisma.workflow.findUnique({ where: { id: workflowId }, select: { id: true, projectId: true, traceId: true } }) : null;
  if (!w) throw notFound("Workflow", "workflow_id");
  const [role, agent] = await Promise.all([projectRole(caller, w.projectId), prisma.agent.findUnique({ where: { id: caller.agentId! }, select: { id: true, projectIds: true } })]);
  if (!role) throw notFound("Workflow", "workflow_id");
  if (!agent) throw forbidden("This token's agent no longer exists");
  if (agent.projectIds.length && !agent.projectIds.includes(w.projectId)) throw notFound("Workflow", "workflow_id");
  // The table's agent.event (lib/auth/permissions.ts): what requireRoleForChild decides, with the role in hand.
  const d = decide("agent.event", { kind: callerKind(caller), admin: caller.role === "admin", scoped: !!caller.scope, role });
  if (!d.ok) throw forbidden(d.reason);
  return { workflowId: w.id, projectId: w.projectId, traceId: w.traceId ?? null, agentId: agent.id };
}
