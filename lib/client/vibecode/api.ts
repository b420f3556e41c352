// Vibecode sessions and the project workspace over REST: the shapes the dashboard reads and the calls.
import type { FileContent, FileTree, Message, SessionSummary, Session as SessionRead, Usage } from "@/lib/contract";
import { apiFetch } from "../api";

export type { FileContent, FileTree, HeadCommit, Message, MessageStatus, PatchFile, SessionSummary, TokenUsage, Usage, WorkspaceFile } from "@/lib/contract";

/** A message as the page shows it: the REST shape plus what only live events tell. */
export type MessageView = Omit<Message, "decided_by" | "decided_by_name"> & {
  /** The answer so far, from vibecode_chunk events (until `reply` arrives). */
  stream?: string;
  /** The first chunks were missed (the page opened mid-answer): `stream` starts part-way. */
  streamGap?: boolean;
  /** The agent's latest thought / tool call / progress line while the answer is produced. */
  activity?: string | null;
  error_code?: string | null;
  /** Who applied or rejected the patch. */
  decided_by?: string | null;
  decided_by_name?: string | null;
};

/** A session as the page holds it: its messages carry what live events added. */
export type Session = Omit<SessionRead, "messages" | "next_before"> & { messages: MessageView[]; next_before?: string | null };

const enc = encodeURIComponent;

export const vibecodeApi = {
  listSessions: (projectId: string, signal?: AbortSignal) =>
    apiFetch<{ sessions: SessionSummary[] }>(`/projects/${enc(projectId)}/sessions`, { signal }).then((r) => r.sessions),
  createSession: (projectId: string) =>
    apiFetch<{ session_id: string; project_id: string; created_at: string }>(`/projects/${enc(projectId)}/sessions`, { method: "POST" }),
  getSession: (id: string, signal?: AbortSignal) => apiFetch<Session>(`/sessions/${enc(id)}`, { signal }),
  postMessage: (sessionId: string, prompt: string) =>
    apiFetch<{ message_id: string; trace_id: string; status: "pending" }>(`/sessions/${enc(sessionId)}/messages`, { method: "POST", body: { prompt } }),
  /** Apply, and start the project's tests in the prompt's trace (test_run_error when they could not start). */
  apply: (sessionId: string, messageId: string) =>
    apiFetch<Message & { test_run?: { test_run_id: string } | null; test_run_error?: { code: string; message: string } }>(
      `/sessions/${enc(sessionId)}/messages/${enc(messageId)}/apply`,
      { method: "POST", body: { run_tests: true } },
    ),
  reject: (sessionId: string, messageId: string) =>
    apiFetch<Message>(`/sessions/${enc(sessionId)}/messages/${enc(messageId)}/reject`, { method: "POST" }),
  usage: (projectId: string, signal?: AbortSignal) => apiFetch<Usage>(`/projects/${enc(projectId)}/usage`, { signal }),
  files: (projectId: string, signal?: AbortSignal) => apiFetch<FileTree>(`/projects/${enc(projectId)}/files`, { signal }),
  fileContent: (projectId: string, path: string, signal?: AbortSignal) =>
    apiFetch<FileContent>(`/projects/${enc(projectId)}/files/content?path=${enc(path)}`, { signal }),
};
