"use client";
// Data hooks: REST for the first read, the realtime provider keeps the same cache entries live.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { rooms } from "@/lib/contract";
import { api } from "../api";
import { toast, toastError } from "../toast";
import { keys } from "../keys";
import { dropMember, markProjectDeleted, mergeProject, putMember } from "./cache";
import { appendOlder, foldEnvelope, kindsParam, mergeFirstPage, type FeedData } from "../feed";
import { FEED_KINDS, type FeedKind } from "@/lib/feed/kinds";
import { useRealtime, useRoom } from "../realtime";
import { isDeleted, type Project, type ProjectInput, type ProjectPatch, type ProjectRole, type ProjectState } from "../types";

export const useProjects = () => useQuery({ queryKey: keys.projects, queryFn: api.listProjects });

export function useProject(id: string) {
  const qc = useQueryClient();
  return useQuery<ProjectState>({
    queryKey: keys.project(id),
    queryFn: async ({ signal }): Promise<ProjectState> => {
      const cached = qc.getQueryData<ProjectState>(keys.project(id));
      if (isDeleted(cached)) return cached; // a deleted project stays "deleted", never "not found"
      return api.getProject(id, signal);
    },
    // Seed from the list so the header renders at once when coming from "/".
    placeholderData: () => qc.getQueryData<Project[]>(keys.projects)?.find((p) => p.id === id),
  });
}

export function useMembers(projectId: string, enabled = true) {
  return useQuery({
    queryKey: keys.members(projectId),
    queryFn: ({ signal }) => api.listMembers(projectId, signal),
    enabled,
  });
}

/** Feed items per page: about one screen. */
export const FEED_PAGE = 30;

/**
 * The project's activity feed for a kinds filter, newest first: one page from GET /feed, "Load older" appends
 * the next, and the project room's live envelopes add or fold into items (lib/client/cache.ts).
 */
export function useProjectFeed(projectId: string, kinds: readonly FeedKind[] = FEED_KINDS, enabled = true) {
  const qc = useQueryClient();
  const { feedBuffer } = useRealtime();
  useRoom(enabled ? rooms.project(projectId) : null);
  const k = kindsParam(kinds);
  const list = k.split(",") as FeedKind[];
  const key = keys.feed(projectId, k);
  const query = useQuery({
    queryKey: key,
    enabled,
    queryFn: async ({ signal }): Promise<FeedData> => {
      const page = await api.projectFeed(projectId, { kinds: k, limit: FEED_PAGE }, signal);
      // A re-read keeps the older pages loaded; live envelopes that came while it ran are applied again.
      let data = mergeFirstPage(qc.getQueryData<FeedData>(key), page);
      for (const env of feedBuffer.recent(projectId)) data = foldEnvelope(data, env, list);
      return data;
    },
  });
  const older = useMutation({
    mutationFn: async () => {
      const before = qc.getQueryData<FeedData>(key)?.nextBefore;
      if (!before) return;
      const page = await api.projectFeed(projectId, { kinds: k, limit: FEED_PAGE, before });
      qc.setQueryData<FeedData>(key, (old) => (old ? appendOlder(old, page) : old));
    },
  });
  return { ...query, loadOlder: () => older.mutate(), loadingOlder: older.isPending, olderError: older.error };
}

/* ---------- mutations: the answer goes into the cache at once; the event that follows is a no-op ---------- */

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ProjectInput) => api.createProject(input),
    onSuccess: (project) => mergeProject(qc, project, true),
  });
}

export function useUpdateProject(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: ProjectPatch) => api.updateProject(id, patch),
    onSuccess: (project) => mergeProject(qc, project),
  });
}

/** Archive or restore, reported in a toast (the row may leave the filtered list before the answer). */
export function useSetProjectStatus(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (status: Project["status"]) => api.updateProject(id, { status }),
    onSuccess: (p) => {
      mergeProject(qc, p);
      toast(p.status === "archived" ? `Archived “${p.name}”` : `Restored “${p.name}”`);
    },
    onError: toastError,
  });
}

/**
 * Delete; `onDeleted` runs even when the calling component is gone by then (the project.deleted event
 * often arrives before the HTTP answer and unmounts the dialog), which a mutate() callback would not.
 */
export function useDeleteProject(id: string, me: string, onDeleted?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.deleteProject(id),
    onSuccess: () => {
      const cached = qc.getQueryData<ProjectState>(keys.project(id));
      const name = cached?.name ?? qc.getQueryData<Project[]>(keys.projects)?.find((p) => p.id === id)?.name ?? "";
      markProjectDeleted(qc, { id, name, deleted_by: me });
      toast(`Deleted “${name}”`);
      onDeleted?.();
    },
  });
}

export function useAddMember(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: ProjectRole }) => api.addMember(projectId, input),
    onSuccess: (member) => putMember(qc, member),
  });
}

export function useChangeMemberRole(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: ProjectRole }) => api.updateMember(projectId, userId, role),
    onSuccess: (member) => putMember(qc, member),
  });
}

/** `onRemoved` runs even if the row is gone by then (removing yourself ends your access at once). */
export function useRemoveMember(projectId: string, onRemoved?: (userId: string) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.removeMember(projectId, userId),
    onSuccess: (_void, userId) => {
      dropMember(qc, projectId, userId);
      onRemoved?.(userId);
    },
  });
}
