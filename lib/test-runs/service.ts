// Test runs: start (local command or external CI), history, results, cancel, external reporting.
import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { getPrisma } from "../db";
import { AppError, notFound } from "../errors";
import { isUuid } from "../ids";
import { publish } from "../realtime/publish";
import { rooms } from "../realtime/events";
import { requireProjectRole, requireRoleForChild, type ProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { createReporter, stored } from "./report";
import { redactString } from "../redact";
import { fitBytes } from "../api/bounds";
import { logPath, scheduleRun, stopLocalRun, stopLocalRunAndWait } from "./runner";
import { requireSandbox } from "./sandbox";
import { getConfig } from "../config";
import type { RunStatus, TestResult, TestRun, TestRunDetail } from "../contract/test-runs";
import type { ZCompleteRunSchema, ZCreateTestRunSchema, ZExternalResultsSchema } from "./schemas";

const FINISHED = ["passed", "failed", "error", "cancelled", "timed_out"];

type RunRow = Awaited<ReturnType<ReturnType<typeof getPrisma>["testRun"]["findUniqueOrThrow"]>>;

const ACTIVE = ["running", "cancelling"];

/** Counts of a run still in progress come from its stored results (they are written at the end). */
async function withLiveCounts<T extends RunRow>(runs: T[]): Promise<T[]> {
  return Promise.all(runs.map(async (r) => (ACTIVE.includes(r.status) ? { ...r, ...(await stored(r.id)) } : r)));
}

/** A run as REST answers it (the contract's TestRun; the starter's name is looked up by the caller). */
export function serializeRun(r: RunRow & { starter?: { name: string } | null }): Omit<TestRun, "started_by_name"> {
  return {
    id: r.id,
    project_id: r.projectId,
    job_id: r.jobId,
    source: r.source as TestRun["source"],
    name: r.name,
    command: r.command,
    status: r.status as RunStatus,
    trace_id: r.traceId,
    started_by: r.startedBy,
    total: r.total,
    passed: r.passed,
    failed: r.failed,
    skipped: r.skipped,
    duration_ms: r.durationMs,
    exit_code: r.exitCode,
    error: r.error,
    reader: r.reader,
    started_at: r.startedAt?.toISOString() ?? null,
    finished_at: r.finishedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
  };
}

async function loadRun(user: PublicUser, runId: string, min: ProjectRole) {
  if (!isUuid(runId)) throw notFound("Test run");
  const run = await getPrisma().testRun.findUnique({ where: { id: runId } });
  if (!run) throw notFound("Test run");
  await requireRoleForChild(user, run.projectId, min, "Test run");
  return run;
}

/** `opts.traceId`: the run belongs to an existing trace (a run started by applying a prompt's patch). */
export async function startTestRun(user: PublicUser, projectId: string, input: z.infer<typeof ZCreateTestRunSchema>, opts: { traceId?: string } = {}) {
  await requireProjectRole(user, projectId, "member");
  const prisma = getPrisma();
  const project = await prisma.project.findUnique({ where: { id: projectId } });
  if (!project) throw notFound("Project");
  const external = input.source === "external";
  if (!external && !project.testCommand) {
    throw new AppError("NO_TEST_COMMAND", 409, "This project has no test command; an owner can set one in the project settings");
  }
  if (!external) {
    await requireSandbox(getConfig());
    await requireRunQueueRoom(projectId);
  }
  const traceId = opts.traceId ?? randomUUID();
  const job = await prisma.job.create({ data: { projectId, kind: "test_run", status: external ? "running" : "queued", traceId, createdBy: user.id } });
  const run = await prisma.testRun.create({
    data: {
      projectId,
      jobId: job.id,
      source: input.source,
      name: input.name ? redactString(input.name) : null,
      command: external ? null : project.testCommand,
      status: external ? "running" : "queued",
      traceId,
      startedBy: user.id,
      total: input.total ?? null,
      startedAt: external ? new Date() : null,
    },
  });
  await publish({
    type: "test_run.created",
    room: rooms.project(projectId),
    source: "test_runner",
    traceId,
    data: { test_run_id: run.id, job_id: job.id, status: run.status as RunStatus, source: input.source, name: run.name, started_by: user.id, started_by_name: user.name, command: run.command },
  });
  if (external) await createReporter(run, { seq: 0, total: run.total }).started({ command: null, started_by: user.id, source: "external" });
  else scheduleRun(run.id);
  return { test_run_id: run.id, job_id: job.id, trace_id: traceId };
}

const QUEUE_RETRY_AFTER_S = 10;

/**
 * 429 RATE_LIMITED when the project already has TEST_RUN_QUEUE_PER_PROJECT local runs waiting or running
 * (counted from the database, so every process sees the same number).
 */
async function requireRunQueueRoom(projectId: string) {
  const limit = getConfig().testRuns.queuePerProject;
  const queued = await getPrisma().testRun.count({ where: { projectId, source: "local", status: { in: ["queued", "running", "cancelling"] } } });
  if (queued >= limit) {
    throw new AppError(
      "RATE_LIMITED",
      429,
      `This project already has ${queued} test runs waiting or running (at most ${limit}); try again when one has finished`,
      { retry_after_ms: QUEUE_RETRY_AFTER_S * 1000, queued, limit },
      { "Retry-After": String(QUEUE_RETRY_AFTER_S) },
    );
  }
}

/**
 * Before a project is deleted: its queued and running runs of this process are stopped and waited for (a run
 * of another process sees its row gone within a second and stops).
 */
export async function stopProjectRuns(projectId: string) {
  const runs = await getPrisma().testRun.findMany({ where: { projectId, source: "local", status: { in: ["queued", "running", "cancelling"] } }, select: { id: true } });
  await Promise.all(runs.map((r) => stopLocalRunAndWait(r.id)));
  return runs.map((r) => r.id);
}

export async function listTestRuns(user: PublicUser, projectId: string): Promise<TestRun[]> {
  await requireProjectRole(user, projectId, "viewer");
  const runs = await withLiveCounts(await getPrisma().testRun.findMany({ where: { projectId }, orderBy: { createdAt: "desc" }, take: 50 }));
  const names = await starterNames(runs.map((r) => r.startedBy));
  return runs.map((r) => ({ ...serializeRun(r), started_by_name: r.startedBy ? (names.get(r.startedBy) ?? null) : null }));
}

async function starterNames(ids: (string | null)[]) {
  const list = [...new Set(ids.filter((x): x is string => !!x))];
  const users = list.length ? await getPrisma().user.findMany({ where: { id: { in: list } }, select: { id: true, name: true } }) : [];
  return new Map(users.map((u) => [u.id, u.name]));
}

/** Results in GET /test-runs/{id} (the first ones); the rest page through GET /test-runs/{id}/results. */
export const RESULTS_INLINE = 1000;

/** Results after `afterSeq`, in order: at most `limit` rows and MAX_LIST_BYTES; `next_after` continues (null: the end). */
async function resultsPage(runId: string, afterSeq: number, limit: number) {
  const rows = await getPrisma().testResult.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take: limit + 1 });
  const { items, truncated } = fitBytes(rows.slice(0, limit).map((r) => ({ seq: r.seq, name: r.name, status: r.status as TestResult["status"], duration_ms: r.durationMs, error: r.error })));
  const more = truncated || rows.length > limit;
  return { results: items, next_after: more && items.length ? items.at(-1)!.seq : null };
}

export async function getTestRun(user: PublicUser, runId: string): Promise<TestRunDetail> {
  const run = (await withLiveCounts([await loadRun(user, runId, "viewer")]))[0]!;
  const page = await resultsPage(runId, -1, RESULTS_INLINE);
  const names = await starterNames([run.startedBy]);
  return {
    ...serializeRun(run),
    started_by_name: run.startedBy ? (names.get(run.startedBy) ?? null) : null,
    results: page.results,
    results_next_after: page.next_after,
  };
}

/** GET /test-runs/{id}/results?after=<seq>&limit=: the run's results page by page. */
export async function listTestResults(user: PublicUser, runId: string, q: { after: number; limit: number }) {
  await loadRun(user, runId, "viewer");
  return { test_run_id: runId, ...(await resultsPage(runId, q.after, q.limit)) };
}

export async function cancelTestRun(user: PublicUser, runId: string) {
  const run = await loadRun(user, runId, "member");
  if (FINISHED.includes(run.status)) throw new AppError("INVALID_TRANSITION", 409, `The run already ended (${run.status})`);
  const prisma = getPrisma();
  const local = stopLocalRun(runId);
  if (local === "queued" || run.source === "external") {
    await createReporter(run, { seq: 0, total: null }).completed("cancelled", { durationMs: run.startedAt ? Date.now() - run.startedAt.getTime() : 0, exitCode: null, error: "Cancelled" });
  } else {
    // Running here (already being killed) or in another process, which sees the status within a second.
    await prisma.testRun.updateMany({ where: { id: runId, status: { in: ["queued", "running"] } }, data: { status: "cancelling" } });
    await publish({
      type: "test_run.cancelling",
      room: rooms.project(run.projectId),
      source: "test_runner",
      traceId: run.traceId,
      data: { test_run_id: runId, job_id: run.jobId, cancelled_by: user.id, cancelled_by_name: user.name },
    });
  }
  return { test_run_id: runId, status: "cancelling" };
}

export async function readRunLog(user: PublicUser, runId: string): Promise<string> {
  await loadRun(user, runId, "viewer");
  const file = logPath(runId);
  const st = await stat(file).catch(() => null);
  if (!st) return "";
  return readFile(file, "utf8");
}

/* ---------- external runs (CI systems post their results) ---------- */

async function loadExternal(user: PublicUser, runId: string) {
  const run = await loadRun(user, runId, "member");
  if (run.source !== "external") throw new AppError("INVALID_TRANSITION", 409, "Results can only be posted to runs created with source \"external\"");
  if (FINISHED.includes(run.status)) throw new AppError("INVALID_TRANSITION", 409, `The run already ended (${run.status})`);
  return run;
}

export async function postExternalResults(user: PublicUser, runId: string, input: z.infer<typeof ZExternalResultsSchema>) {
  const run = await loadExternal(user, runId);
  const seq = await getPrisma().testResult.count({ where: { runId } });
  const reporter = createReporter(run, { seq, total: run.total });
  for (const r of input.results) await reporter.result({ name: r.name, status: r.status, duration_ms: r.duration_ms ?? null, ...(r.error ? { error: r.error } : {}) });
  await reporter.flush();
  return { test_run_id: runId, accepted: input.results.length, ...(await stored(runId)) };
}

export async function completeExternalRun(user: PublicUser, runId: string, input: z.infer<typeof ZCompleteRunSchema>) {
  const run = await loadExternal(user, runId);
  const counts = await stored(runId);
  const status = input.status ?? (counts.failed > 0 ? "failed" : "passed");
  const durationMs = input.duration_ms ?? (run.startedAt ? Date.now() - run.startedAt.getTime() : 0);
  await createReporter(run, { seq: 0, total: null }).completed(status, { durationMs, exitCode: null, error: input.error ?? null });
  return getTestRun(user, runId);
}

/** Runs a stopped process left queued or running end `error` (see failInterruptedMessages for the rule). */
export async function failInterruptedRuns(opts: { olderThanMs?: number } = {}) {
  const prisma = getPrisma();
  const cutoff = new Date(Date.now() - (opts.olderThanMs ?? 0));
  const stuck = await prisma.testRun.findMany({ where: { source: "local", status: { in: ["queued", "running", "cancelling"] }, updatedAt: { lte: cutoff } } });
  for (const run of stuck) {
    await createReporter(run, { seq: 0, total: null }).completed("error", {
      durationMs: run.startedAt ? Date.now() - run.startedAt.getTime() : 0,
      exitCode: null,
      error: "The server stopped while this run was in progress",
    });
  }
  return stuck.length;
}
