// Everything a run reports goes through here: test_* events to the project and job rooms,
// job_* events to the job room, results stored as they arrive. What a run or a CI system reports (result
// names and errors, log lines, the run's error) is masked here once, before it is stored or published.
import { errInfo, logger } from "../logger";
import { getPrisma } from "../db";
import { publish } from "../realtime/publish";
import { rooms, type EventData, type EventType } from "../realtime/events";
import type { ParsedResult } from "./parsers";
import { redact, redactString } from "../redact";

const SOURCE = "test_runner";
const PROGRESS_EVERY_MS = 400;

export type RunRef = { id: string; projectId: string; jobId: string; traceId: string };
export type RunOutcome = "passed" | "failed" | "error" | "cancelled" | "timed_out";

export function createReporter(run: RunRef, start: { seq: number; total: number | null }) {
  const prisma = getPrisma();
  let seq = start.seq;
  let total = start.total;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  let lastProgress = 0;
  let reader: string | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch((e) => logger().error(errInfo(e), "[test-runs] report failed"));
    return next;
  };
  // Every event below is built from masked values (masked: publish does not scan it again).
  const toBoth = async <T extends EventType>(type: T, data: EventData<T>) => {
    await publish({ type, room: rooms.project(run.projectId), source: SOURCE, traceId: run.traceId, data, masked: true });
    await publish({ type, room: rooms.job(run.jobId), source: SOURCE, traceId: run.traceId, data, masked: true });
  };
  const toJob = <T extends EventType>(type: T, data: EventData<T>) =>
    publish({ type, room: rooms.job(run.jobId), source: SOURCE, traceId: run.traceId, data, masked: true });
  const progress = async (force = false) => {
    if (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = Date.now();
    const done = counts.passed + counts.failed + counts.skipped;
    const percentage = total ? Math.min(100, Math.round((done / total) * 100)) : null;
    await toJob("job_progress", { job_id: run.jobId, percentage, done, total, message: total ? `${done} of ${total} tests done` : `${done} tests done` });
  };

  return {
    counts,
    started: (extra: { command: string | null; started_by: string | null; source: string; branch?: string | null; commit?: string | null; session_id?: string | null }) =>
      serial(async () => {
        await prisma.job.update({ where: { id: run.jobId }, data: { status: "running" } });
        await toBoth("test_started", { test_run_id: run.id, job_id: run.jobId, total, ...extra });
        await toJob("job_progress", { job_id: run.jobId, percentage: total ? 0 : null, done: 0, total, message: "Started" });
      }),
    plan: (n: number) => {
      if (n > 0) total = n;
    },
    result: (raw: ParsedResult) =>
      serial(async () => {
        const mySeq = seq++;
        const r = { ...raw, name: redactString(raw.name), ...(raw.error ? { error: redactString(raw.error) } : {}) };
        counts[r.status]++;
        await prisma.testResult.create({ data: { runId: run.id, seq: mySeq, name: r.name, status: r.status, durationMs: r.duration_ms, error: r.error ?? null } });
        await toBoth("test_result", {
          test_run_id: run.id,
          seq: mySeq,
          name: r.name,
          status: r.status,
          duration_ms: r.duration_ms,
          ...(r.error ? { error: r.error } : {}),
          ...(reader ? { reader } : {}),
        });
        await progress();
      }),
    /** What reads the run's results ("vitest", "tap+junit", …): stored on the run, sent with each result. */
    reader: (label: string) =>
      serial(async () => {
        reader = label.slice(0, 64);
        await prisma.testRun.update({ where: { id: run.id }, data: { reader } });
      }),
    /** Log lines to job:<id>; `masked`: the caller masked them already (e.g. lines it also wrote to the log file). */
    log: (level: "info" | "error", raw: string[], opts: { masked?: boolean } = {}) =>
      serial(() => {
        const lines = opts.masked ? raw : redact(raw);
        return toJob("job_log", { job_id: run.jobId, level, message: lines.join("\n"), lines, timestamp: new Date().toISOString() });
      }),
    completed: (outcome: RunOutcome, rawInfo: { durationMs: number; exitCode: number | null; error?: string | null }) =>
      serial(async () => {
        const info = { ...rawInfo, error: rawInfo.error ? redactString(rawInfo.error) : null };
        const { passed, failed, skipped } = await stored(run.id);
        const finalTotal = passed + failed + skipped;
        const row = await prisma.testRun.update({
          where: { id: run.id },
          data: { status: outcome, passed, failed, skipped, total: finalTotal, durationMs: info.durationMs, exitCode: info.exitCode, error: info.error ?? null, finishedAt: new Date() },
        });
        await prisma.job.update({ where: { id: run.jobId }, data: { status: outcome, progress: 100, message: info.error ?? outcome } });
        total = finalTotal;
        counts.passed = passed;
        counts.failed = failed;
        counts.skipped = skipped;
        await progress(true);
        await toBoth("test_completed", {
          test_run_id: run.id,
          job_id: run.jobId,
          status: outcome,
          passed,
          failed,
          skipped,
          total: finalTotal,
          duration_ms: info.durationMs,
          exit_code: info.exitCode,
          reader: row.reader,
          ...(info.error ? { error: info.error } : {}),
        });
        if (outcome === "passed" || outcome === "failed") {
          await toJob("job_complete", { job_id: run.jobId, result: { status: outcome, passed, failed, skipped, duration_ms: info.durationMs } });
        } else {
          await toJob("job_error", { job_id: run.jobId, error: outcome, message: info.error ?? outcome });
        }
      }),
    flush: () => serial(async () => undefined),
  };
}

/** Counts from the stored results (the source of truth for totals). */
export async function stored(runId: string) {
  const groups = await getPrisma().testResult.groupBy({ by: ["status"], where: { runId }, _count: { _all: true } });
  const n = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
  return { passed: n("passed"), failed: n("failed"), skipped: n("skipped") };
}
