// Envelopes → React Query cache. The socket never drives component state directly: it edits the cache.
import { applyWorkflowEnvelope, workflowQueriesBehindRoom } from "./workflows";
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { parseRoom, type Envelope, type EventData } from "@/lib/realtime/events";
import { keys } from "./keys";
import { foldEnvelope, type FeedBuffer, type FeedData } from "./feed";
import type { FeedKind } from "@/lib/feed/kinds";
import { applyProjectStatus } from "./project-status";
import { applyVibecodeEnvelope, vibecodeQueriesBehindProject } from "./vibecode-cache";
import { applyRunEnvelope, runQueriesBehindProject } from "./runs-cache";
import { agentQueriesBehindProject, applyAgentEnvelope } from "./agents";
import { applyGithubEnvelope, githubQueriesBehindProject } from "./github";
import { isDeleted, type DeletedProject, type Member, type Project, type ProjectState } from "./types";

export type CacheContext = { qc: QueryClient; me: string; feedBuffer: FeedBuffer };

const stripProject = <T extends Record<string, unknown>>(d: T) => {
  const { changes: _c, updated_by: _u, created_by: _cr, ...rest } = d;
  return rest as unknown as Omit<Project, "role">;
};

function updateList(qc: QueryClient, fn: (list: Project[]) => Project[]) {
  qc.setQueryData<Project[]>(keys.projects, (old) => (old ? fn(old) : old));
}

/** Merge project fields into the list and the project's own entry (the caller's `role` is kept). */
export function mergeProject(qc: QueryClient, fields: Omit<Project, "role"> & { role?: Project["role"] }, addIfMissing = false) {
  updateList(qc, (list) => {
    if (list.some((p) => p.id === fields.id)) return list.map((p) => (p.id === fields.id ? { ...p, ...fields } : p));
    return addIfMissing && fields.role ? [{ ...fields, role: fields.role }, ...list] : list;
  });
  qc.setQueryData<ProjectState>(keys.project(fields.id), (old) => {
    if (old && !isDeleted(old)) return { ...old, ...fields };
    return !old && fields.role ? { ...fields, role: fields.role } : old;
  });
}

/** The project is gone: out of the list; its page shows the "deleted" state. */
export function markProjectDeleted(qc: QueryClient, d: { id: string; name: string; deleted_by: string }) {
  updateList(qc, (list) => list.filter((p) => p.id !== d.id));
  void qc.cancelQueries({ queryKey: keys.members(d.id) });
  void qc.cancelQueries({ queryKey: keys.events(d.id) });
  const marker: DeletedProject = { id: d.id, name: d.name, deleted: true, deleted_by: d.deleted_by };
  qc.setQueryData<ProjectState>(keys.project(d.id), () => marker);
}

function updateMembers(qc: QueryClient, projectId: string, fn: (list: Member[]) => Member[]) {
  qc.setQueryData<Member[]>(keys.members(projectId), (old) => (old ? fn(old) : old));
}

export function putMember(qc: QueryClient, m: Member) {
  updateMembers(qc, m.project_id, (list) =>
    list.some((x) => x.user_id === m.user_id) ? list.map((x) => (x.user_id === m.user_id ? m : x)) : [...list, m],
  );
}

export function dropMember(qc: QueryClient, projectId: string, userId: string) {
  updateMembers(qc, projectId, (list) => list.filter((m) => m.user_id !== userId));
}

const pickMember = (d: Member & Record<string, unknown>): Member => ({
  project_id: d.project_id,
  user_id: d.user_id,
  email: d.email,
  name: d.name,
  role: d.role,
  created_at: d.created_at,
});

/** Into every feed entry of the project (one per kinds filter): a new item, or folded into its run/message/workflow. */
function appendToFeed({ qc, feedBuffer }: CacheContext, projectId: string, env: Envelope) {
  feedBuffer.push(projectId, env); // a page still loading may predate it: replayed onto the page when it lands
  for (const [key, data] of qc.getQueriesData<FeedData>({ queryKey: keys.events(projectId) })) {
    if (!data) continue;
    const kinds = String(key[2] ?? "").split(",") as FeedKind[];
    qc.setQueryData<FeedData>(key, (old) => old && foldEnvelope(old, env, kinds));
  }
  applyProjectStatus(qc, projectId, env);
}

export function applyEnvelope(ctx: CacheContext, env: Envelope) {
  const { qc, me } = ctx;
  const room = parseRoom(env.room);
  if (room?.kind === "project" && room.id) appendToFeed(ctx, room.id, env);
  applyVibecodeEnvelope(qc, env);
  applyRunEnvelope(qc, env);
  applyAgentEnvelope(qc, env);
  applyWorkflowEnvelope(qc, env);
  applyGithubEnvelope(qc, env);

  switch (env.type) {
    case "project.created": {
      const d = env.data as EventData<"project.created">;
      // Only the creator's user room hears this; anyone else re-reads the list to learn their role.
      if (d.created_by === me) mergeProject(qc, { ...stripProject(d), role: "owner" }, true);
      else void qc.invalidateQueries({ queryKey: keys.projects });
      return;
    }
    case "project.updated":
      return mergeProject(qc, stripProject(env.data as EventData<"project.updated">));
    case "project.deleted":
      return markProjectDeleted(qc, env.data as EventData<"project.deleted">);
    case "member.added":
    case "member.updated": {
      const m = pickMember(env.data as EventData<"member.added">);
      putMember(qc, m);
      if (m.user_id === me) refreshMyAccess(qc, m.project_id);
      return;
    }
    case "member.removed": {
      const d = env.data as EventData<"member.removed">;
      dropMember(qc, d.project_id, d.user_id);
      if (d.user_id === me) refreshMyAccess(qc, d.project_id);
      return;
    }
    default:
      return; // other types only feed the activity list (above)
  }
}

/** My role in a project changed (or I gained/lost it): re-read what depends on it. */
function refreshMyAccess(qc: QueryClient, projectId: string) {
  void qc.invalidateQueries({ queryKey: keys.projects });
  void qc.invalidateQueries({ queryKey: keys.project(projectId) });
}

/** Queries whose data may predate a fresh join of `room` (and so may have missed its events). */
/**
 * What to refetch when a re-join answered `reset` (events of the room were deleted by retention): the
 * room's REST-backed queries, and for a job room every test run (its page reads the run over REST; the
 * job's own live state keeps what was replayed).
 */
export function queriesAfterReset(room: string, me: string): QueryKey[] {
  const r = parseRoom(room);
  if (r?.kind === "job") return [["test-run"], ["test-runs"]];
  return queriesBehindRoom(room, me);
}

export function queriesBehindRoom(room: string, me: string): QueryKey[] {
  const r = parseRoom(room);
  if (!r?.id) return [];
  if (r.kind === "workflow") return workflowQueriesBehindRoom(room);
  if (r.kind === "user") return r.id === me ? [keys.projects] : [];
  if (r.kind === "project") return [keys.projects, keys.project(r.id), keys.members(r.id), keys.events(r.id), ...vibecodeQueriesBehindProject(r.id), ...runQueriesBehindProject(r.id), ...agentQueriesBehindProject(r.id), ...workflowQueriesBehindRoom(room), ...githubQueriesBehindProject(r.id)];
  return [];
}
