// project.* and member.* envelopes → the project list, each project's entry and its members (React-free).
import type { QueryClient } from "@tanstack/react-query";
import type { AnyEnvelope } from "@/lib/contract";
import { keys } from "../keys";
import { isDeleted, type DeletedProject, type Member, type Project, type ProjectState } from "../types";

const stripProject = <T extends Record<string, unknown>>(d: T) => {
  const { changes: _c, updated_by: _u, created_by: _cr, project_id: _p, project_name: _n, ...rest } = d;
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

const pickMember = (d: Member): Member => ({
  project_id: d.project_id,
  user_id: d.user_id,
  email: d.email,
  name: d.name,
  role: d.role,
  created_at: d.created_at,
});

export function applyProjectEnvelope(qc: QueryClient, me: string, env: AnyEnvelope) {
  switch (env.type) {
    case "project.created": {
      const d = env.data;
      // Only the creator's user room hears this; anyone else re-reads the list to learn their role.
      if (d.created_by === me) mergeProject(qc, { ...stripProject(d), role: "owner" }, true);
      else void qc.invalidateQueries({ queryKey: keys.projects });
      return;
    }
    case "project.updated":
      // A changed budget changes the usage card.
      if (env.data.changes.fields.includes("monthly_token_budget")) void qc.invalidateQueries({ queryKey: keys.usage(env.data.id) });
      return mergeProject(qc, stripProject(env.data));
    case "project.deleted":
      return markProjectDeleted(qc, env.data);
    case "member.added":
    case "member.updated": {
      const m = pickMember(env.data);
      putMember(qc, m);
      if (m.user_id === me) refreshMyAccess(qc, m.project_id);
      return;
    }
    case "member.removed": {
      const d = env.data;
      dropMember(qc, d.project_id, d.user_id);
      if (d.user_id === me) refreshMyAccess(qc, d.project_id);
      return;
    }
    default:
      return; // other types only feed the activity list (lib/client/cache.ts)
  }
}

/** My role in a project changed (or I gained/lost it): re-read what depends on it. */
function refreshMyAccess(qc: QueryClient, projectId: string) {
  void qc.invalidateQueries({ queryKey: keys.projects });
  void qc.invalidateQueries({ queryKey: keys.project(projectId) });
}

