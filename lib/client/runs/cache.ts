// Test-run and job envelopes → the React Query cache. Called from cache.ts for every envelope.
// The same test_* event reaches both the project room and the job room (two envelopes): every merge
// here is idempotent (results by seq, status only forwards), so either order and both copies are fine.
import type { QueryClient } from "@tanstack/react-query";
import { parseRoom, type AnyEnvelope, type Envelope, type EventData } from "@/lib/contract";
import { keys } from "../keys";
import { mergeResults, mergeRun, stageOf, type RunStatus, type TestResult, type TestRun, type TestRunDetail } from "./api";
import type { Member } from "../types";

/* ---------- a job's live state (job:<id> room) ---------- */

export const LOG_CAP = 2000;
const EVENTS_CAP = 100;

export type LogLine = { key: string; level: "info" | "error"; text: string };
export type JobProgress = { percentage: number | null; done: number; total: number | null; message: string };
export type JobOutcome = { kind: "complete"; result: Record<string, unknown> } | { kind: "error"; error: string; message: string };

export type JobState = {
  jobId: string;
  /** The newest envelope id applied: the room is re-joined with `since` = this, so nothing is replayed twice. */
  lastEventId: string;
  /** What the test_* events of the room say (null until one arrives). */
  runStatus: RunStatus | null;
  runId: string | null;
  total: number | null;
  results: TestResult[];
  completed: EventData<"test_completed"> | null;
  progress: JobProgress | null;
  outcome: JobOutcome | null;
  log: LogLine[];
  /** Lines dropped from the front to keep the panel at LOG_CAP. */
  logDropped: number;
  events: AnyEnvelope[];
};

export const emptyJob = (jobId: string): JobState => ({
  jobId,
  lastEventId: "0",
  runStatus: null,
  runId: null,
  total: null,
  results: [],
  completed: null,
  progress: null,
  outcome: null,
  log: [],
  logDropped: 0,
  events: [],
});

const newer = (a: string, b: string) => BigInt(a) > BigInt(b);
const forward = (from: RunStatus | null, to: RunStatus): RunStatus => (from && stageOf(from) > stageOf(to) ? from : to);

export function reduceJob(s: JobState, env: AnyEnvelope): JobState {
  if (!newer(env.id, s.lastEventId)) return s; // replayed or already seen
  const next: JobState = { ...s, lastEventId: env.id, events: [...s.events.slice(-(EVENTS_CAP - 1)), env] };
  switch (env.type) {
    case "test_started": {
      const t = env.data;
      return { ...next, runId: t.test_run_id, runStatus: forward(s.runStatus, "running"), total: t.total ?? s.total };
    }
    case "test_result": {
      const r = env.data;
      const result: TestResult = { seq: r.seq, name: r.name, status: r.status, duration_ms: r.duration_ms, error: r.error ?? null };
      return { ...next, runId: r.test_run_id, runStatus: forward(s.runStatus, "running"), results: mergeResults(s.results, [result]) };
    }
    case "test_completed": {
      const c = env.data;
      return { ...next, runId: c.test_run_id, runStatus: c.status, completed: c, total: c.total };
    }
    case "job_progress": {
      const p = env.data;
      return {
        ...next,
        runStatus: s.runStatus ?? "running",
        progress: { percentage: p.percentage, done: p.done ?? s.progress?.done ?? 0, total: p.total ?? null, message: p.message },
        total: p.total ?? s.total,
      };
    }
    case "job_log": {
      const l = env.data;
      const lines = (Array.isArray(l.lines) && l.lines.length ? l.lines : l.message.split("\n")).map((text, i) => ({ key: `${env.id}:${i}`, level: l.level, text }));
      const all = [...s.log, ...lines];
      const over = Math.max(0, all.length - LOG_CAP);
      return { ...next, log: over ? all.slice(over) : all, logDropped: s.logDropped + over };
    }
    case "job_complete":
      return { ...next, outcome: { kind: "complete", result: env.data.result } };
    case "job_error": {
      const e = env.data;
      return { ...next, outcome: { kind: "error", error: e.error, message: e.message } };
    }
    default:
      return next;
  }
}

/* ---------- runs list and one run (REST data kept live) ---------- */

/** One run's fields, in its own entry and (for project-room events, which name the project) in the list. */
function updateRun(qc: QueryClient, projectId: string | null, runId: string, fn: (r: TestRun) => TestRun) {
  qc.setQueryData<TestRunDetail>(keys.testRun(runId), (old) => (old ? { ...fn(old), results: old.results } : old));
  if (projectId) qc.setQueryData<TestRun[]>(keys.testRuns(projectId), (old) => old?.map((r) => (r.id === runId ? fn(r) : r)));
}

function runCreated(qc: QueryClient, projectId: string, env: Envelope<"test_run.created">) {
  const d = env.data;
  const name = d.started_by ? (qc.getQueryData<Member[]>(keys.members(projectId))?.find((m) => m.user_id === d.started_by)?.name ?? null) : null;
  const run: TestRun = {
    id: d.test_run_id,
    project_id: projectId,
    job_id: d.job_id,
    source: d.source,
    name: null,
    command: d.command,
    status: d.status,
    trace_id: env.trace_id,
    started_by: d.started_by,
    started_by_name: name,
    total: null,
    passed: 0,
    failed: 0,
    skipped: 0,
    duration_ms: null,
    exit_code: null,
    error: null,
    reader: null,
    started_at: null,
    finished_at: null,
    created_at: env.timestamp,
    counted: 0,
  };
  const key = keys.testRuns(projectId);
  const state = qc.getQueryState<TestRun[]>(key);
  if (state?.data) {
    qc.setQueryData<TestRun[]>(key, (old) => (old && !old.some((r) => r.id === run.id) ? [run, ...old].slice(0, 50) : old));
    // What the event does not carry (an external run's name, a starter we have no name for): read it.
    if (d.source === "external" || (d.started_by && !name)) void qc.invalidateQueries({ queryKey: key });
  } else if (state) {
    void qc.invalidateQueries({ queryKey: key }); // loading: read again once this fetch ends, with the run
  }
}

function applyTestEvent(qc: QueryClient, projectId: string | null, env: AnyEnvelope) {
  switch (env.type) {
    case "test_run.created":
      if (projectId) runCreated(qc, projectId, env);
      return;
    case "test_started": {
      const d = env.data;
      return updateRun(qc, projectId, d.test_run_id, (r) =>
        mergeRun(r, { ...r, status: "running", total: d.total ?? r.total, started_at: r.started_at ?? env.timestamp, command: d.command ?? r.command }),
      );
    }
    case "test_result": {
      const d = env.data;
      const result: TestResult = { seq: d.seq, name: d.name, status: d.status, duration_ms: d.duration_ms, error: d.error ?? null };
      qc.setQueryData<TestRunDetail>(keys.testRun(d.test_run_id), (old) => (old ? { ...old, results: mergeResults(old.results, [result]) } : old));
      // Live counts in the list: each seq counted once (results of a run arrive in seq order).
      const count = (r: TestRun): TestRun => {
        if (stageOf(r.status) === 3 || d.seq < (r.counted ?? 0)) return r;
        return { ...r, status: r.status === "queued" ? "running" : r.status, [d.status]: r[d.status] + 1, counted: d.seq + 1 };
      };
      if (projectId) qc.setQueryData<TestRun[]>(keys.testRuns(projectId), (old) => old?.map((r) => (r.id === d.test_run_id ? count(r) : r)));
      if (d.reader) updateRun(qc, projectId, d.test_run_id, (r) => (r.reader === d.reader ? r : { ...r, reader: d.reader! }));
      return;
    }
    case "test_completed": {
      const d = env.data;
      return updateRun(qc, projectId, d.test_run_id, (r) =>
        mergeRun(r, {
          ...r,
          status: d.status,
          passed: d.passed,
          failed: d.failed,
          skipped: d.skipped,
          total: d.total,
          duration_ms: d.duration_ms,
          exit_code: d.exit_code,
          error: d.error ?? null,
          reader: d.reader ?? r.reader,
          finished_at: env.timestamp,
        }),
      );
    }
  }
}

const withJobDefaults = new WeakSet<QueryClient>();
/** Job state is kept for the whole visit: a later join of the room replays only what came after it (see useJob). */
export function keepJobs(qc: QueryClient) {
  if (withJobDefaults.has(qc)) return;
  withJobDefaults.add(qc);
  qc.setQueryDefaults(["job"], { gcTime: Infinity, staleTime: Infinity });
}

/** Every envelope passes through here (cache.ts); anything that is not about runs or jobs is ignored. */
export function applyRunEnvelope(qc: QueryClient, env: AnyEnvelope) {
  const room = parseRoom(env.room);
  if (!room?.id) return;
  if (room.kind === "job") {
    const key = keys.job(room.id);
    keepJobs(qc);
    qc.setQueryData<JobState>(key, (old) => reduceJob(old ?? emptyJob(room.id!), env));
  }
  // Project-room copies update the list and the run; the job room's copies only the run itself.
  applyTestEvent(qc, room.kind === "project" ? room.id : null, env);
}

/** A stale list refetched after a fresh join of the project room. */
export const runQueriesBehindProject = (projectId: string) => [keys.testRuns(projectId)];
