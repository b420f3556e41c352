// Per-project live status for the projects list (GET /api/v1/projects → `activity`): the last test run, the
// running workflows, the agents online and the last event's time. Bounded reads per project: one index probe
// each for the last run and the last event, and the (few) running workflows and non-offline agents.
import { getPrisma } from "../db";
import type { ProjectActivity } from "./kinds";

/** Ids listed at most per project (running workflows, agents online); the counts are what the list shows. */
export const MAX_STATUS_IDS = 50;

type RunRow = { projectId: string; id: string; status: string; passed: number; failed: number; skipped: number; total: number | null; createdAt: Date; finishedAt: Date | null };

export async function projectActivity(ids: string[]): Promise<Map<string, ProjectActivity>> {
  const out = new Map<string, ProjectActivity>(ids.map((id) => [id, { last_run: null, running_workflows: [], agents_online: [], last_activity_at: null }]));
  if (ids.length === 0) return out;
  const prisma = getPrisma();
  const roomNames = ids.map((id) => `project:${id}`);
  const [runs, lastEvents, workflows, agents] = await Promise.all([
    prisma.$queryRaw<RunRow[]>`
      SELECT p.id AS "projectId", r.id, r.status, r.passed, r.failed, r.skipped, r.total, r.created_at AS "createdAt", r.finished_at AS "finishedAt"
      FROM unnest(${ids}::uuid[]) AS p(id)
      CROSS JOIN LATERAL (SELECT * FROM test_runs t WHERE t.project_id = p.id ORDER BY t.created_at DESC LIMIT 1) r`,
    prisma.$queryRaw<{ room: string; createdAt: Date }[]>`
      SELECT r.room, e.created_at AS "createdAt"
      FROM unnest(${roomNames}::text[]) AS r(room)
      CROSS JOIN LATERAL (SELECT created_at FROM events ev WHERE ev.room = r.room ORDER BY ev.id DESC LIMIT 1) e`,
    prisma.workflow.findMany({ where: { projectId: { in: ids }, status: "running" }, select: { id: true, projectId: true }, orderBy: { createdAt: "desc" }, take: 5_000 }),
    prisma.agent.findMany({ where: { status: { not: "offline" }, projectIds: { hasSome: ids } }, select: { id: true, projectIds: true }, take: 5_000 }),
  ]);
  for (const r of runs) {
    out.get(r.projectId)!.last_run = {
      id: r.id,
      status: r.status,
      passed: r.passed,
      failed: r.failed,
      skipped: r.skipped,
      total: r.total,
      created_at: r.createdAt.toISOString(),
      finished_at: r.finishedAt?.toISOString() ?? null,
    };
  }
  for (const e of lastEvents) {
    const a = out.get(e.room.slice("project:".length));
    if (a) a.last_activity_at = e.createdAt.toISOString();
  }
  for (const w of workflows) {
    const a = out.get(w.projectId)!;
    if (a.running_workflows.length < MAX_STATUS_IDS) a.running_workflows.push(w.id);
  }
  for (const ag of agents) {
    for (const pid of ag.projectIds) {
      const a = out.get(pid);
      if (a && a.agents_online.length < MAX_STATUS_IDS) a.agents_online.push(ag.id);
    }
  }
  return out;
}
