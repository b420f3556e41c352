// Shapes the dashboard reads from REST and the socket (server types re-used, never re-declared).
import { ROLE_RANK, type ProjectRole, type ProjectView, type TMember, type User } from "@/lib/contract";

export type { ProjectRole } from "@/lib/contract";
/** `activity`: the live status the projects list shows (GET /api/v1/projects only; kept live by project-status.ts). */
export type Project = ProjectView & { activity?: ProjectActivity };
import type { ProjectActivity } from "@/lib/feed/kinds";
export type Member = TMember;
export type Me = User;

/** What ["project", id] holds once a project.deleted event arrived. */
export type DeletedProject = { id: string; name: string; deleted: true; deleted_by: string };
export type ProjectState = Project | DeletedProject;
export const isDeleted = (p: ProjectState | undefined): p is DeletedProject => !!p && "deleted" in p;

export type { FeedItem } from "./feed";

export type ProjectInput = {
  name: string;
  description: string;
  repository_url: string | null;
  test_command: string | null;
};
export type ProjectPatch = Partial<ProjectInput> & { status?: Project["status"]; monthly_token_budget?: number | null };

const RANK = ROLE_RANK;

/** What a role may do in a project; mirrors lib/auth/permissions on the server. */
export function can(role: ProjectRole | undefined) {
  const r = role ? RANK[role] : 0;
  return {
    edit: r >= RANK.member,
    editCode: r >= RANK.owner,
    archive: r >= RANK.member,
    delete: r >= RANK.owner,
    manageMembers: r >= RANK.owner,
  };
}
