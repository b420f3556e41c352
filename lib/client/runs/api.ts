// Test runs in the browser: the REST shapes, the calls, and merges that keep a run's snapshots in order
// (REST reads and live events can arrive in any order; a run never moves backwards).
import type { RunStatus, TestResult, TestRun as ContractTestRun } from "@/lib/contract";
import { ApiError, apiFetch } from "../api";

export type { ResultStatus, RunStatus, TestResult } from "@/lib/contract";
export type TestRun = ContractTestRun & {
  /** Client-only: how many results (by seq) the live counts above include while the run is going. */
  counted?: number;
};
export type TestRunDetail = TestRun & { results: TestResult[] };

const enc = encodeURIComponent;

export const runsApi = {
  list: (projectId: string, signal?: AbortSignal) =>
    apiFetch<{ test_runs: TestRun[] }>(`/projects/${enc(projectId)}/test-runs`, { signal }).then((r) => r.test_runs),
  get: (runId: string, signal?: AbortSignal) => apiFetch<TestRunDetail>(`/test-runs/${enc(runId)}`, { signal }),
  start: (projectId: string) =>
    apiFetch<{ test_run_id: string; job_id: string; trace_id: string }>(`/projects/${enc(projectId)}/test-runs`, { method: "POST", body: {} }),
  cancel: (runId: string) => apiFetch<{ test_run_id: string; status: RunStatus }>(`/test-runs/${enc(runId)}/cancel`, { method: "POST", body: {} }),
};

export const logUrl = (runId: string) => `/api/v1/test-runs/${enc(runId)}/log`;

/** The full output as text (the live panel holds only the tail). */
export async function fetchRunLog(runId: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(logUrl(runId), { credentials: "same-origin", signal });
  if (!res.ok) throw new ApiError(res.status, "HTTP_" + res.status, `The log could not be read (${res.status})`);
  return res.text();
}

/* ---------- lifecycle ---------- */

const STAGE: Record<RunStatus, number> = { queued: 0, running: 1, cancelling: 2, passed: 3, failed: 3, error: 3, cancelled: 3, timed_out: 3 };
export const FINISHED_STATUSES: RunStatus[] = ["passed", "failed", "error", "cancelled", "timed_out"];
export const isFinished = (s: RunStatus) => STAGE[s] === 3;
export const stageOf = (s: RunStatus) => STAGE[s] ?? 0;

/** Fields that move forward as the run goes; the rest (who, what, when created) never change. */
const LIFECYCLE = ["status", "total", "passed", "failed", "skipped", "duration_ms", "exit_code", "error", "finished_at", "counted"] as const;

const progressOf = (r: TestRun) => stageOf(r.status) * 1e9 + r.passed + r.failed + r.skipped;

/** Two snapshots of one run → the later one's progress, with whatever descriptive fields either knows. */
export function mergeRun<T extends TestRun>(old: T, next: T): T {
  if (old === next) return next;
  const later = progressOf(next) >= progressOf(old) ? next : old;
  const merged = { ...old, ...next } as T;
  for (const k of LIFECYCLE) (merged as Record<string, unknown>)[k] = later[k];
  merged.started_by_name = next.started_by_name ?? old.started_by_name;
  merged.started_at = next.started_at ?? old.started_at;
  merged.name = next.name ?? old.name;
  merged.command = next.command ?? old.command;
  merged.reader = later.reader ?? next.reader ?? old.reader;
  return merged;
}

/** Results of one run from two sources, one per seq, in order. */
export function mergeResults(a: readonly TestResult[], b: readonly TestResult[]): TestResult[] {
  if (b.length === 0) return a as TestResult[];
  if (a.length === 0) return b as TestResult[];
  const bySeq = new Map<number, TestResult>();
  for (const r of a) bySeq.set(r.seq, r);
  let added = false;
  for (const r of b) {
    if (!bySeq.has(r.seq)) {
      bySeq.set(r.seq, r);
      added = true;
    }
  }
  if (!added) return a as TestResult[];
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}

export function mergeDetail(old: TestRunDetail | undefined, next: TestRunDetail): TestRunDetail {
  if (!old || old === next) return next;
  return { ...mergeRun(old, next), results: mergeResults(old.results, next.results) };
}

/** A refetched list merged into the cached one: no run goes back to an earlier state. */
export function mergeRunList(old: TestRun[] | undefined, next: TestRun[]): TestRun[] {
  if (!old || old === next) return next;
  const before = new Map(old.map((r) => [r.id, r]));
  const merged = next.map((r) => {
    const o = before.get(r.id);
    return o ? mergeRun(o, r) : r;
  });
  // Runs created after the read began (live) stay, newest first.
  const have = new Set(next.map((r) => r.id));
  const extra = old.filter((r) => !have.has(r.id) && Date.parse(r.created_at) > Date.parse(next[0]?.created_at ?? "1970-01-01"));
  return extra.length ? [...extra, ...merged] : merged;
}

export const countsOf = (results: readonly TestResult[]) => {
  const c = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) c[r.status]++;
  return c;
};

/* ---------- words ---------- */

export const STATUS_LABEL: Record<RunStatus, string> = {
  queued: "Queued",
  running: "Running",
  cancelling: "Cancelling",
  passed: "Passed",
  failed: "Failed",
  error: "Error",
  cancelled: "Cancelled",
  timed_out: "Timed out",
};

/** "850 ms", "3.2 s", "4 min 05 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min` : `${m} min ${String(s).padStart(2, "0")} s`;
}

export const shortId = (id: string) => id.slice(0, 8);
export const runTitle = (r: Pick<TestRun, "id" | "name">) => r.name || `Run ${shortId(r.id)}`;
