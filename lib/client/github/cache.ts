// Pull requests, issues and AI reviews: REST for the first read; pr.*, issue.* and ai.* envelopes edit the
// same React Query entries (applyGithubEnvelope, called from cache.ts for every envelope).
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { AnyEnvelope } from "@/lib/contract";
import { githubKeys } from "./keys";
import type { Issue, PullRequest, Review } from "./types";

const byNewest = <T extends { created_at: string; number: number }>(a: T, b: T) => b.created_at.localeCompare(a.created_at) || b.number - a.number;

function upsert<T extends { created_at: string; number: number }>(list: T[] | undefined, item: T, same: (x: T) => boolean): T[] | undefined {
  if (!list) return list;
  const rest = list.filter((x) => !same(x));
  return [...rest, item].sort(byNewest);
}

const strip = <T extends { action: string; sender: string | null }>(d: T): Omit<T, "action" | "sender"> => {
  const { action: _a, sender: _s, ...rest } = d;
  return rest;
};

function newReview(d: { review_id: string; target_type: "pr" | "code"; target_id: string }, env: AnyEnvelope): Review {
  return {
    id: d.review_id,
    project_id: env.room.replace(/^project:/, ""),
    target_type: d.target_type,
    target_id: d.target_id,
    status: "running",
    model: null,
    summary: null,
    suggestions: [],
    token_usage: null,
    error: null,
    trace_id: env.trace_id ?? "",
    created_by: null,
    created_at: env.timestamp,
    updated_at: env.timestamp,
  };
}

function updateReview(qc: QueryClient, key: QueryKey, d: { review_id: string; target_type: "pr" | "code"; target_id: string }, env: AnyEnvelope, fn: (r: Review) => Review) {
  qc.setQueryData<Review[]>(key, (old) => {
    if (!old) return old;
    const found = old.find((r) => r.id === d.review_id);
    const next = fn(found ?? newReview(d, env));
    return found ? old.map((r) => (r.id === d.review_id ? next : r)) : [next, ...old];
  });
}

export function applyGithubEnvelope(qc: QueryClient, env: AnyEnvelope) {
  switch (env.type) {
    case "pr.created":
    case "pr.updated":
    case "pr.closed": {
      const pr: PullRequest = strip(env.data);
      qc.setQueryData<PullRequest[]>(githubKeys.pulls(pr.project_id), (old) => upsert(old, pr, (x) => x.pr_id === pr.pr_id));
      return;
    }
    case "issue.created":
    case "issue.updated":
    case "issue.closed": {
      const issue: Issue = strip(env.data);
      qc.setQueryData<Issue[]>(githubKeys.issues(issue.project_id), (old) => upsert(old, issue, (x) => x.issue_id === issue.issue_id));
      return;
    }
    case "ai.suggestion": {
      const d = env.data;
      const { review_id: _r, session_id: _s, ...sg } = d;
      updateReview(qc, githubKeys.reviews(d.target_type, d.target_id), d, env, (r) =>
        r.suggestions.some((x) => x.suggestion_id === sg.suggestion_id) ? r : { ...r, suggestions: [...r.suggestions, sg] },
      );
      return;
    }
    case "ai.analysis_complete": {
      const d = env.data;
      updateReview(qc, githubKeys.reviews(d.target_type, d.target_id), d, env, (r) => ({
        ...r,
        status: d.status,
        summary: d.summary,
        model: d.model,
        token_usage: d.token_usage,
        error: d.error ?? null,
        updated_at: env.timestamp,
      }));
      return;
    }
    default:
      return;
  }
}

/** Entries that may have missed events while the project room was not joined. */
export const githubQueriesBehindProject = (projectId: string): QueryKey[] => [githubKeys.pulls(projectId), githubKeys.issues(projectId), ["reviews"]];
