// Pull requests, issues and reviews over REST.
import type { ReviewStartedResponse } from "@/lib/contract";
import { apiFetch } from "../api";
import type { Issue, PullRequest, Review, ReviewTarget } from "./types";

const enc = encodeURIComponent;
export const githubApi = {
  pulls: (projectId: string, signal?: AbortSignal) =>
    apiFetch<{ pull_requests: PullRequest[] }>(`/projects/${enc(projectId)}/pull-requests`, { signal }).then((r) => r.pull_requests),
  issues: (projectId: string, signal?: AbortSignal) => apiFetch<{ issues: Issue[] }>(`/projects/${enc(projectId)}/issues`, { signal }).then((r) => r.issues),
  reviews: (t: ReviewTarget, signal?: AbortSignal) =>
    apiFetch<{ reviews: Review[] }>(t.type === "pr" ? `/pull-requests/${enc(t.id)}/reviews` : `/sessions/${enc(t.sessionId)}/messages/${enc(t.id)}/reviews`, { signal }).then(
      (r) => r.reviews,
    ),
  review: (t: ReviewTarget) =>
    apiFetch<ReviewStartedResponse>(
      t.type === "pr" ? `/pull-requests/${enc(t.id)}/review` : `/sessions/${enc(t.sessionId)}/messages/${enc(t.id)}/review`,
      { method: "POST" },
    ),
};
