// Which published events notify whom. server.ts registers onPublished with onPublish() (lib/realtime/publish.ts),
// so it runs after every event on the process that published it (so once per event, whatever the number of processes); never blocks the publish.
// Workflows are matched on their status generically: any workflow.* event whose workflow is failed or stale
// (status "failed" / "stale", or reason "stale") notifies the project's members, once per workflow and kind.
import { errInfo, logger } from "../logger";
import { getPrisma } from "../db";
import { part } from "../runtime";
import { parseRoom, type AnyEnvelope, type Envelope } from "../realtime/events";
import { notify, type NotificationKind } from "./service";

const FAILED_RUN = new Set(["failed", "error", "timed_out"]);

export function onPublished(env: AnyEnvelope): void {
  const room = parseRoom(env.room);
  if (!room?.id) return;
  let work: Promise<unknown> | null = null;
  if (room.kind === "project") {
    if (env.type === "test_completed") work = runFinished(room.id, env);
    else if (env.type.startsWith("workflow.")) work = workflowChanged(room.id, env);
    else if (env.type === "vibecode_response") work = patchProposed(room.id, env);
  } else if (room.kind === "agent" && env.type === "agent.status_changed") {
    work = agentOffline(env);
  } else if (room.kind === "user" && env.type === "member.added") {
    work = memberAdded(room.id, env);
  }
  if (!work) return;
  // Kept until done, so shutdown can wait for it before the database closes (drainNotificationTriggers).
  const pending = pendingSet();
  const tracked = work.catch((e) => logger().error({ ...errInfo(e), event_type: env.type }, "[notifications] trigger failed")).finally(() => pending.delete(tracked));
  pending.add(tracked);
}

// On the runtime object: server.ts and the route handlers are bundled apart, and both publish.
const pendingSet = () => part<Set<Promise<unknown>>>("notification triggers pending", () => new Set());

/** Wait (at most timeoutMs) for the notifications being made; called at shutdown before the database closes. */
export async function drainNotificationTriggers(timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = pendingSet();
  while (pending.size && Date.now() < deadline) {
    await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, Math.max(deadline - Date.now(), 0)))]);
  }
}

async function runFinished(projectId: string, env: Envelope<"test_completed">) {
  const d = env.data;
  if (!FAILED_RUN.has(d.status)) return;
  const run = await getPrisma().testRun.findUnique({ where: { id: d.test_run_id }, select: { startedBy: true, name: true, projectId: true, project: { select: { name: true } } } });
  if (!run?.startedBy || run.projectId !== projectId) return;
  const what = d.status === "timed_out" ? "timed out" : d.status === "error" ? "could not finish" : `failed: ${d.failed} of ${d.total} tests failed`;
  await notify([run.startedBy], {
    kind: "run_failed",
    title: `Test run ${what}`,
    body: `${run.name ?? "Your test run"} in ${run.project.name}`,
    projectId,
    link: `/projects/${projectId}/runs/${d.test_run_id}`,
    traceId: env.trace_id,
    data: { test_run_id: d.test_run_id, status: d.status, passed: d.passed, failed: d.failed, total: d.total },
  });
}

async function workflowChanged(projectId: string, env: Envelope) {
  const d = env.data as { workflow_id?: string; status?: string; reason?: string; name?: string; error?: string | null };
  if (!d.workflow_id) return;
  const stale = d.status === "stale" || d.reason === "stale";
  if (!stale && d.status !== "failed") return;
  const kind: NotificationKind = stale ? "workflow_stale" : "workflow_failed";
  const prisma = getPrisma();
  // Once per workflow and kind (a lifecycle change may be announced by more than one event).
  const already = await prisma.notification.findFirst({ where: { kind, projectId, data: { path: ["workflow_id"], equals: d.workflow_id } }, select: { id: true } });
  if (already) return;
  const [members, project] = await Promise.all([
    prisma.membership.findMany({ where: { projectId }, select: { userId: true }, take: 1000 }),
    prisma.project.findUnique({ where: { id: projectId }, select: { name: true } }),
  ]);
  if (!project) return;
  await notify(
    members.map((m) => m.userId),
    {
      kind,
      title: stale ? `Workflow went stale: ${d.name ?? "a workflow"}` : `Workflow failed: ${d.name ?? "a workflow"}`,
      body: `${project.name}${d.error ? ` — ${d.error}` : ""}`,
      projectId,
      link: `/projects/${projectId}/workflows/${d.workflow_id}`,
      traceId: env.trace_id,
      data: { workflow_id: d.workflow_id, status: d.status ?? null, reason: d.reason ?? null },
    },
  );
}

async function patchProposed(projectId: string, env: Envelope<"vibecode_response">) {
  const d = env.data;
  if (d.status !== "proposed") return;
  const session = await getPrisma().session.findUnique({ where: { id: d.session_id }, select: { userId: true, projectId: true, title: true, project: { select: { name: true } } } });
  if (!session || session.projectId !== projectId) return;
  const files = d.files.length;
  await notify([session.userId], {
    kind: "patch_proposed",
    title: `A patch waits for review${session.title ? `: ${session.title}` : ""}`,
    body: `${files} file${files === 1 ? "" : "s"} changed in ${session.project.name}`,
    projectId,
    link: `/projects/${projectId}/sessions/${d.session_id}`,
    traceId: env.trace_id,
    data: { session_id: d.session_id, message_id: d.message_id },
  });
}

async function agentOffline(env: Envelope<"agent.status_changed">) {
  const d = env.data;
  if (d.status !== "offline" || d.reason === "deleted") return;
  const agent = await getPrisma().agent.findUnique({ where: { id: d.agent_id }, select: { createdBy: true } });
  if (!agent?.createdBy) return;
  await notify([agent.createdBy], {
    kind: "agent_offline",
    title: `Your agent ${d.agent_name} went offline`,
    body: d.reason ? `Reason: ${d.reason}` : "",
    link: "/agents",
    data: { agent_id: d.agent_id, reason: d.reason ?? null },
  });
}

async function memberAdded(userId: string, env: Envelope<"member.added">) {
  const d = env.data;
  if (d.user_id !== userId || d.added_by === userId) return;
  const [project, by] = await Promise.all([
    getPrisma().project.findUnique({ where: { id: d.project_id }, select: { name: true } }),
    getPrisma().user.findUnique({ where: { id: d.added_by }, select: { name: true } }),
  ]);
  if (!project) return;
  await notify([userId], {
    kind: "member_added",
    title: `You were added to ${project.name}`,
    body: `${by?.name ?? "Someone"} made you ${d.role === "owner" ? "an owner" : `a ${d.role}`}`,
    projectId: d.project_id,
    link: `/projects/${d.project_id}`,
    data: { project_id: d.project_id, role: d.role, added_by: d.added_by },
  });
}
