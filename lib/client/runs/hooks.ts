"use client";
// Test-run hooks: REST for the first read; runs-cache.ts keeps the same entries live from the socket.
import { useMemo } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { rooms } from "@/lib/contract";
import { isApiError } from "../api";
import { keys } from "../keys";
import { useRoom } from "../realtime";
import { toast } from "../toast";
import { useJob, type JobView } from "./use-job";
import {
  countsOf,
  isFinished,
  mergeDetail,
  mergeResults,
  mergeRun,
  mergeRunList,
  runsApi,
  type TestResult,
  type TestRun,
  type TestRunDetail,
} from "./api";

/** The project's latest runs, newest first, live (new runs appear, statuses and counts change). */
export function useTestRuns(projectId: string, enabled = true) {
  useRoom(enabled ? rooms.project(projectId) : null);
  return useQuery<TestRun[]>({
    queryKey: keys.testRuns(projectId),
    queryFn: ({ signal }) => runsApi.list(projectId, signal),
    // A read that began before a live event must not undo it.
    structuralSharing: (old, next) => mergeRunList(old as TestRun[] | undefined, next as TestRun[]),
    enabled,
  });
}

export type RunProgress = { percentage: number | null; done: number; total: number | null };

/** One run as its page shows it: the REST read merged with what its job room says. */
export type LiveRun = TestRunDetail & { progress: RunProgress; finished: boolean };

/** `results`: the run's results merged with the job room's (see useTestRun), kept apart so they stay stable. */
export function combineRun(detail: TestRunDetail, job: JobView, results: TestResult[] = mergeResults(detail.results, job.results)): LiveRun {
  let run: TestRunDetail = detail;
  const c = job.completed;
  if (c) {
    run = mergeDetail(run, {
      ...run,
      status: c.status,
      passed: c.passed,
      failed: c.failed,
      skipped: c.skipped,
      total: c.total,
      duration_ms: c.duration_ms,
      exit_code: c.exit_code,
      error: c.error ?? null,
      reader: c.reader ?? run.reader,
    });
  } else if (job.runStatus) {
    run = mergeDetail(run, { ...run, status: job.runStatus });
  }
  const finished = isFinished(run.status);
  // While it runs the stored counts are not written yet: count the results that arrived.
  const counts = finished && run.passed + run.failed + run.skipped >= results.length ? run : countsOf(results);
  const done = Math.max(counts.passed + counts.failed + counts.skipped, finished ? 0 : (job.progress?.done ?? 0));
  const total = finished ? (run.total ?? done) : (job.total ?? run.total);
  const percentage = finished ? 100 : total ? Math.min(100, Math.round((done / total) * 100)) : null;
  return {
    ...run,
    passed: counts.passed,
    failed: counts.failed,
    skipped: counts.skipped,
    total,
    results,
    finished,
    progress: { percentage, done, total },
  };
}

/** One run and its results (REST, kept live by the project room's test_* events). */
export function useTestRunDetail(runId: string, enabled = true) {
  return useQuery<TestRunDetail>({
    queryKey: keys.testRun(runId),
    queryFn: ({ signal }) => runsApi.get(runId, signal),
    structuralSharing: (old, next) => mergeDetail(old as TestRunDetail | undefined, next as TestRunDetail),
    enabled,
  });
}

/**
 * A list row's counts. While a run goes, the list's stored counts are still 0 (they are written when it
 * ends), so a running run's results are read once and then followed live.
 */
export function useRunCounts(run: TestRun): { passed: number; failed: number; skipped: number } {
  const going = run.status === "running" || run.status === "cancelling";
  const { data } = useTestRunDetail(run.id, going);
  return useMemo(() => {
    if (!going || !data) return run;
    const live = countsOf(data.results);
    return live.passed + live.failed + live.skipped > run.passed + run.failed + run.skipped ? live : run;
  }, [going, data, run]);
}

/** A run with its results, progress and log, live; its job room is joined while mounted. */
export function useTestRun(runId: string) {
  const query = useTestRunDetail(runId);
  // The project room carries the run's test_* events too (and the list), so stay in it as well.
  useRoom(query.data ? rooms.project(query.data.project_id) : null);
  const job = useJob(query.data?.job_id);
  // Results change only with test_result events; log lines and progress must not make a new list.
  const detailResults = query.data?.results;
  const results = useMemo(() => mergeResults(detailResults ?? [], job.results), [detailResults, job.results]);
  const run = useMemo(() => (query.data ? combineRun(query.data, job, results) : undefined), [query.data, job, results]);
  return { ...query, run, job };
}

export function useStartRun(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => runsApi.start(projectId),
    // The test_run.created event adds the row; a read makes sure, in case this tab is not in the room yet.
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.testRuns(projectId) }),
  });
}

/** Words for a failed start that say what to do. */
export function startErrorMessage(e: unknown): string {
  if (isApiError(e) && e.code === "NO_TEST_COMMAND") return "This project has no test command yet. An owner can set one with Edit on the project page.";
  if (isApiError(e, 403)) return "Viewers can watch runs but not start them. Ask an owner to make you a member.";
  return e instanceof Error ? e.message : "The run could not be started.";
}

export function useCancelRun(run: Pick<TestRun, "id" | "project_id">) {
  const qc = useQueryClient();
  const markCancelling = () => {
    const fn = (r: TestRun): TestRun => (isFinished(r.status) ? r : mergeRun(r, { ...r, status: "cancelling" }));
    qc.setQueryData<TestRunDetail>(keys.testRun(run.id), (old) => (old ? { ...fn(old), results: old.results } : old));
    qc.setQueryData<TestRun[]>(keys.testRuns(run.project_id), (old) => old?.map((r) => (r.id === run.id ? fn(r) : r)));
  };
  return useMutation({
    mutationFn: () => runsApi.cancel(run.id),
    onSuccess: markCancelling,
    onError: (e) => {
      if (isApiError(e, 409)) {
        toast("The run had already ended.", "info");
        void qc.invalidateQueries({ queryKey: keys.testRun(run.id) });
      } else toast(e instanceof Error ? e.message : "The run could not be cancelled.", "error");
    },
  });
}
