// Session branches, workspaces and shipping (patch, push, pull request) over REST: shapes and calls.
import { apiFetch } from "./api";

export type WorkspaceSession = { session_id: string; title: string; branch: string; head: string | null; ahead: number; behind: number; pushed_commit: string | null };
export type Workspace = {
  project_id: string;
  state: "cloning" | "ready" | "failed";
  error: string | null;
  default_branch: string | null;
  head: string | null;
  upstream_head: string | null;
  behind: number;
  sessions: WorkspaceSession[];
};
export type Commit = { sha: string; subject: string; author: string; author_email: string; date: string };
export type SessionBranch = {
  branch: string | null;
  base_branch: string | null;
  base_commit: string | null;
  head: string | null;
  commits: Commit[];
  behind: number;
  pushed_commit: string | null;
  pushed_at: string | null;
  pull_request: { number: number; url: string | null } | null;
  test_run_ids: string[];
};
export type SessionDiff = { session_id: string; branch: string | null; base_commit: string | null; head: string | null; diff: string; truncated: boolean; files: { path: string; additions: number; deletions: number }[] };
export type Shipping = { project_id: string; push_credential_set: boolean; github_token_set: boolean; github_repository: string | null; pull_request_repository: string | null };

const enc = encodeURIComponent;

export const shipApi = {
  workspace: (projectId: string, signal?: AbortSignal) => apiFetch<Workspace>(`/projects/${enc(projectId)}/workspace`, { signal }),
  sync: (projectId: string) => apiFetch<Workspace>(`/projects/${enc(projectId)}/workspace/sync`, { method: "POST" }),
  shipping: (projectId: string, signal?: AbortSignal) => apiFetch<Shipping>(`/projects/${enc(projectId)}/shipping`, { signal }),
  setShipping: (projectId: string, body: Partial<Record<"push_credential" | "github_token" | "github_repository", string | null>>) =>
    apiFetch<Shipping>(`/projects/${enc(projectId)}/shipping`, { method: "PUT", body }),
  diff: (sessionId: string, signal?: AbortSignal) => apiFetch<SessionDiff>(`/sessions/${enc(sessionId)}/diff`, { signal }),
  push: (sessionId: string) => apiFetch<{ branch: string; commit: string; remote: string }>(`/sessions/${enc(sessionId)}/push`, { method: "POST" }),
  pullRequest: (sessionId: string, body: { title?: string }) =>
    apiFetch<{ number: number; url: string; title: string; branch: string; base: string }>(`/sessions/${enc(sessionId)}/pull-request`, { method: "POST", body }),
  patchUrl: (sessionId: string) => `/api/v1/sessions/${enc(sessionId)}/patch`,
  messagePatchUrl: (sessionId: string, messageId: string) => `/api/v1/sessions/${enc(sessionId)}/messages/${enc(messageId)}/patch`,
};
