// Vibecode sessions and the project workspace over REST: the shapes the dashboard reads and the calls.
import { apiFetch } from "./api";
import type { SessionBranch } from "./ship-api";

export type MessageStatus = "pending" | "streaming" | "proposed" | "answered" | "failed" | "applied" | "rejected";
export type PatchFile = { path: string; additions: number; deletions: number };
export type TokenUsage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

export type SessionSummary = {
  id: string;
  project_id: string;
  title: string | null;
  user_id: string;
  user_name: string;
  message_count: number;
  created_at: string;
  updated_at: string;
};

export type Message = {
  id: string;
  session_id: string;
  user_id: string;
  user_name: string | null;
  prompt: string;
  reply: string | null;
  patch: string | null;
  files: PatchFile[];
  status: MessageStatus;
  error: string | null;
  trace_id: string;
  model: string | null;
  token_usage: TokenUsage | null;
  commit_sha: string | null;
  workflow_id: string | null;
  created_at: string;
  updated_at: string;
};

/** A message as the page shows it: the REST shape plus what only live events tell. */
export type MessageView = Message & {
  /** The answer so far, from vibecode_chunk events (until `reply` arrives). */
  stream?: string;
  /** The first chunks were missed (the page opened mid-answer): `stream` starts part-way. */
  streamGap?: boolean;
  /** The agent's latest thought / tool call / progress line while the answer is produced. */
  activity?: string | null;
  error_code?: string | null;
  /** Who applied or rejected the patch (only live events say). */
  decided_by?: string | null;
  decided_by_name?: string | null;
};

export type Session = {
  id: string;
  project_id: string;
  title: string | null;
  user_id: string;
  created_at: string;
  messages: MessageView[];
} & Partial<SessionBranch>;

export type Usage = { month: string; prompt_tokens: number; completion_tokens: number; total_tokens: number; messages: number };

export type WorkspaceFile = { path: string; size: number };
export type HeadCommit = { sha: string; subject: string; author: string; date: string };
export type FileTree = { files: WorkspaceFile[]; head: HeadCommit | null };
export type FileContent = { path: string; size: number; binary: boolean; truncated: boolean; content: string | null };

const enc = encodeURIComponent;

export const vibecodeApi = {
  listSessions: (projectId: string, signal?: AbortSignal) =>
    apiFetch<{ sessions: SessionSummary[] }>(`/projects/${enc(projectId)}/sessions`, { signal }).then((r) => r.sessions),
  createSession: (projectId: string) =>
    apiFetch<{ session_id: string; project_id: string; created_at: string }>(`/projects/${enc(projectId)}/sessions`, { method: "POST" }),
  getSession: (id: string, signal?: AbortSignal) => apiFetch<Session>(`/sessions/${enc(id)}`, { signal }),
  postMessage: (sessionId: string, prompt: string) =>
    apiFetch<{ message_id: string; trace_id: string; status: "pending" }>(`/sessions/${enc(sessionId)}/messages`, { method: "POST", body: { prompt } }),
  apply: (sessionId: string, messageId: string) =>
    apiFetch<Message>(`/sessions/${enc(sessionId)}/messages/${enc(messageId)}/apply`, { method: "POST" }),
  reject: (sessionId: string, messageId: string) =>
    apiFetch<Message>(`/sessions/${enc(sessionId)}/messages/${enc(messageId)}/reject`, { method: "POST" }),
  usage: (projectId: string, signal?: AbortSignal) => apiFetch<Usage>(`/projects/${enc(projectId)}/usage`, { signal }),
  files: (projectId: string, signal?: AbortSignal) => apiFetch<FileTree>(`/projects/${enc(projectId)}/files`, { signal }),
  fileContent: (projectId: string, path: string, signal?: AbortSignal) =>
    apiFetch<FileContent>(`/projects/${enc(projectId)}/files/content?path=${enc(path)}`, { signal }),
};
