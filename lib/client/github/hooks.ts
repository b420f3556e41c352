"use client";
// Pull requests, issues and reviews in React: REST reads kept live by the project room (./cache.ts).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { rooms } from "@/lib/contract";
import { useRoom } from "../realtime";
import { githubApi } from "./api";
import { githubKeys } from "./keys";
import type { Review, ReviewTarget } from "./types";

export function usePullRequests(projectId: string) {
  useRoom(rooms.project(projectId));
  return useQuery({ queryKey: githubKeys.pulls(projectId), queryFn: ({ signal }) => githubApi.pulls(projectId, signal) });
}

export function useIssues(projectId: string) {
  useRoom(rooms.project(projectId));
  return useQuery({ queryKey: githubKeys.issues(projectId), queryFn: ({ signal }) => githubApi.issues(projectId, signal) });
}

/** A target's reviews, newest first (projectId null: the page already holds the project room). */
export function useReviews(projectId: string | null, target: ReviewTarget) {
  useRoom(projectId ? rooms.project(projectId) : null);
  return useQuery({ queryKey: githubKeys.reviews(target.type, target.id), queryFn: ({ signal }) => githubApi.reviews(target, signal) });
}

export function useStartReview(target: ReviewTarget) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => githubApi.review(target),
    onSuccess: (r) =>
      qc.setQueryData<Review[]>(githubKeys.reviews(target.type, target.id), (old) => {
        const list = old ?? [];
        if (list.some((x) => x.id === r.review_id)) return list;
        const now = new Date().toISOString();
        const placeholder: Review = {
          id: r.review_id,
          project_id: "",
          target_type: target.type,
          target_id: target.id,
          status: "running",
          model: null,
          summary: null,
          suggestions: [],
          token_usage: null,
          error: null,
          created_by: null,
          trace_id: r.trace_id,
          created_at: now,
          updated_at: now,
        };
        return [placeholder, ...list];
      }),
  });
}
