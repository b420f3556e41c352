"use client";
// A job's live state: its room joined while mounted, the state built from the room's events (replayed from
// the start on the first join, from the last one applied after that and after every reconnect).
import { useEffect, useMemo } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { rooms } from "@/lib/contract";
import { keys } from "../keys";
import { useRealtime } from "../realtime";
import { emptyJob, keepJobs, type JobState } from "./cache";
import type { RunStatus } from "./api";

export type { JobState, LogLine, JobProgress, JobOutcome } from "./cache";

const EMPTY = emptyJob("");

export type JobView = JobState & {
  /** The run's state as the job room tells it ("queued" until its first event). */
  status: RunStatus;
};

/** `jobId` null/undefined: nothing joined (e.g. while the run that names the job loads). */
export function useJob(jobId: string | null | undefined): JobView {
  const qc = useQueryClient();
  const { client } = useRealtime();
  keepJobs(qc);

  useEffect(() => {
    if (!jobId) return;
    // What this tab already holds for the job (kept for the visit) needs only the events after it.
    const since = qc.getQueryData<JobState>(keys.job(jobId))?.lastEventId ?? "0";
    return client.acquire(rooms.job(jobId), since);
  }, [client, qc, jobId]);

  const { data } = useQuery<JobState>({
    queryKey: keys.job(jobId ?? ""),
    enabled: !!jobId,
    // The socket fills this entry; there is nothing to fetch.
    queryFn: () => qc.getQueryData<JobState>(keys.job(jobId!)) ?? emptyJob(jobId!),
    initialData: () => (jobId ? (qc.getQueryData<JobState>(keys.job(jobId)) ?? emptyJob(jobId)) : undefined),
    staleTime: Infinity,
    gcTime: Infinity,
  });
  const state = data ?? EMPTY;
  return useMemo(() => ({ ...state, status: state.runStatus ?? "queued" }), [state]);
}
