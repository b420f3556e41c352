"use client";
// Vibecode data hooks: REST for the first read; vibecode-cache.ts keeps the same entries live.
import { toast } from "../toast";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { keys } from "../keys";
import { useRealtime } from "../realtime";
import { vibecodeApi } from "./api";
import { addMessage, mergeDecided, putSessionSummary, withLiveSession, withLiveSessions } from "./cache";

export const useSessions = (projectId: string, enabled = true) =>
  useQuery({ queryKey: keys.sessions(projectId), queryFn: async ({ signal }) => withLiveSessions(projectId, await vibecodeApi.listSessions(projectId, signal)), enabled });

export const useSession = (id: string) =>
  useQuery({ queryKey: keys.session(id), queryFn: async ({ signal }) => withLiveSession(await vibecodeApi.getSession(id, signal)) });

export const useUsage = (projectId: string, enabled = true) =>
  useQuery({ queryKey: keys.usage(projectId), queryFn: ({ signal }) => vibecodeApi.usage(projectId, signal), enabled });

export const useFileTree = (projectId: string) =>
  useQuery({ queryKey: keys.files(projectId), queryFn: ({ signal }) => vibecodeApi.files(projectId, signal) });

export const useFileContent = (projectId: string, path: string | null) =>
  useQuery({
    queryKey: keys.fileContent(projectId, path ?? ""),
    queryFn: ({ signal }) => vibecodeApi.fileContent(projectId, path!, signal),
    enabled: !!path,
  });

/** A new session; the answer goes into the project's list at once (session.created is then a no-op). */
export function useCreateSession(projectId: string) {
  const qc = useQueryClient();
  const { me } = useRealtime();
  return useMutation({
    mutationFn: () => vibecodeApi.createSession(projectId),
    onSuccess: (s) =>
      putSessionSummary(qc, { id: s.session_id, project_id: s.project_id, title: null, user_id: me, user_name: "You", message_count: 0, created_at: s.created_at, updated_at: s.created_at }),
  });
}

/** Send a prompt; the message appears at once (vibecode_request, whichever comes first, is then a no-op). */
export function useSendPrompt(sessionId: string) {
  const qc = useQueryClient();
  const { me } = useRealtime();
  return useMutation({
    mutationFn: (prompt: string) => vibecodeApi.postMessage(sessionId, prompt),
    onSuccess: (r, prompt) => {
      const now = new Date().toISOString();
      addMessage(qc, {
        id: r.message_id,
        session_id: sessionId,
        user_id: me,
        user_name: null,
        prompt: prompt.trim(),
        reply: null,
        patch: null,
        files: [],
        status: "pending",
        error: null,
        trace_id: r.trace_id,
        model: null,
        token_usage: null,
        commit_sha: null,
        workflow_id: null,
        created_at: now,
        updated_at: now,
      });
    },
  });
}

/** Apply or reject a proposed patch. */
export function useDecide(sessionId: string, messageId: string) {
  const qc = useQueryClient();
  const { me } = useRealtime();
  return useMutation({
    mutationFn: (action: "apply" | "reject") => (action === "apply" ? vibecodeApi.apply(sessionId, messageId) : vibecodeApi.reject(sessionId, messageId)),
    onSuccess: (m) => {
      mergeDecided(qc, m, me);
      const r = m as { test_run?: { test_run_id: string } | null; test_run_error?: { code: string; message: string } };
      if (r.test_run) toast("Patch applied; the tests are running");
      else if (r.test_run_error && r.test_run_error.code !== "NO_TEST_COMMAND") toast(`Patch applied; the tests did not start: ${r.test_run_error.message}`, "info");
    },
  });
}
