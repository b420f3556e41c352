// Who may report agent events on which workflow, looked up once and kept for a few seconds (the ingest path,
// ./events.ts): the workflow's project and trace, the agent's projects, and the caller's role in the project
// (the table's agent.event: an agent token whose user is at least a member). Only a grant is cached, per
// credential (token id, user, instance role, scope) and workflow; a refusal is looked up again every time.
//
// Freshness: an entry lives ACCESS_TTL_MS at most, and every invalidation of the lookup caches
// (lib/auth/lookup-cache.ts: membership or project → that project's grants; user or token → all), which
// reaches every process before the change is answered, drops grants here too; so does this process's own
// member.* / project.deleted. A grant looked up while an invalidation ran is not kept (generation check).
import { getPrisma } from "../db";
import { forbidden, notFound } from "../errors";
import { isUuid } from "../ids";
import { callerKind, decide, projectRole } from "../auth/permissions";
import type { Caller } from "../auth/identify";
import { onPublish } from "../realtime/publish";
import { part } from "../runtime";
import { onInvalidate } from "../auth/lookup-cache";

export const ACCESS_TTL_MS = 3000;
const MAX_ENTRIES = 10_000;

export type EventAccess = { workflowId: string; projectId: string; traceId: string | null; agentId: string };

type Entry = EventAccess & { expires: number };
type Cache = { entries: Map<string, Entry>; generation: number; unsubscribe: () => void };

const INVALIDATING = new Set(["member.added", "member.updated", "member.removed", "project.deleted"]);

const cache = () =>
  part<Cache>("agent event access", () => {
    const entries = new Map<string, Entry>();
    const c: Cache = { entries, generation: 0, unsubscribe: () => {} };
    const offPublish = onPublish((env) => {
      if (!INVALIDATING.has(env.type)) return;
      c.generation++;
      const projectId = env.room.startsWith("project:") ? env.room.slice("project:".length) : null;
      if (projectId) forgetProject(entries, projectId);
      else entries.clear();
    });
    const offInvalidate = onInvalidate((inv) => {
      c.generation++;
      if (inv.kind === "membership" || inv.kind === "project") forgetProject(entries, inv.projectId);
      else entries.clear();
    });
    c.unsubscribe = () => (offPublish(), offInvalidate());
    return c;
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
  const generation = c.generation;
  const grant = await lookUp(caller, workflowId);
  if (c.generation !== generation) return grant; // an invalidation ran meanwhile: answer, but do not keep it
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
