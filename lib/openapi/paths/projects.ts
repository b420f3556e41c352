import { z } from "zod";
import { route } from "../registry";
import { ZInviteWithSecret } from "./accounts";
import { ZAddMemberSchema, ZCreateProjectSchema, ZEventsQuerySchema, ZUpdateMemberSchema, ZUpdateProjectSchema } from "../../projects/schemas";
import { ZMemberListResponse, ZMemberSchema, ZProjectEventsResponse, ZProjectListResponse, ZProjectViewSchema } from "../../contract/projects";

route({
  method: "get",
  path: "/api/v1/projects",
  tag: "Projects",
  summary: "The projects the caller can see",
  responses: { 200: { description: "Projects with the caller's role", schema: ZProjectListResponse } },
});
route({
  method: "post",
  path: "/api/v1/projects",
  tag: "Projects",
  summary: "Create a project (the caller becomes its owner); publishes project.created",
  body: ZCreateProjectSchema,
  responses: { 201: { description: "The new project", schema: ZProjectViewSchema } },
});
route({
  method: "get",
  path: "/api/v1/projects/{id}",
  tag: "Projects",
  summary: "One project",
  responses: { 200: { description: "The project", schema: ZProjectViewSchema } },
});
for (const method of ["put", "patch"] as const) {
  route({
    method,
    path: "/api/v1/projects/{id}",
    tag: "Projects",
    summary: `Change a project (owners)${method === "patch" ? " — same as PUT" : ""}; publishes project.updated`,
    body: ZUpdateProjectSchema,
    responses: { 200: { description: "The changed project", schema: ZProjectViewSchema } },
    errors: [403],
  });
}
route({
  method: "delete",
  path: "/api/v1/projects/{id}",
  tag: "Projects",
  summary: "Delete a project (owners); publishes project.deleted",
  responses: { 204: { description: "Deleted" } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/projects/{id}/events",
  tag: "Projects",
  summary: "The persisted history of the project room, oldest first, after an event id",
  description:
    "`reset: true` means retention (EVENT_RETENTION_DAYS / EVENT_RETENTION_PER_ROOM) deleted events of the room after `after`: the page starts at what is still kept (`oldest_id`), so refetch the project's state instead of assuming continuity. See docs/DELIVERY.md.",
  query: ZEventsQuerySchema,
  responses: {
    200: {
      description: "A page of events",
      schema: ZProjectEventsResponse,
    },
  },
});

route({
  method: "get",
  path: "/api/v1/projects/{id}/members",
  tag: "Members",
  summary: "The project's members",
  responses: { 200: { description: "Members", schema: ZMemberListResponse } },
});
route({
  method: "post",
  path: "/api/v1/projects/{id}/members",
  tag: "Members",
  summary: "Add a member by email, or change the role of an existing one (owners); publishes member.added / member.updated",
  description:
    "An email without an account answers 404 USER_NOT_FOUND with details {email, invite: {allowed, signup_open}}: `allowed` (admins) means the same request with `\"invite\": true` answers 202 with an invite link that adds them with this role when they sign up.",
  body: ZAddMemberSchema,
  responses: {
    201: { description: "Added", schema: ZMemberSchema },
    200: { description: "Already a member: role updated", schema: ZMemberSchema },
    202: { description: "invite: true and no account: an invite link (shown once)", schema: z.object({ invite: ZInviteWithSecret }) },
  },
  errors: [403, 409],
});
route({
  method: "put",
  path: "/api/v1/projects/{id}/members/{userId}",
  tag: "Members",
  summary: "Change a member's role (owners); publishes member.updated",
  body: ZUpdateMemberSchema,
  responses: { 200: { description: "The member", schema: ZMemberSchema } },
  errors: [403, 409],
});
route({
  method: "delete",
  path: "/api/v1/projects/{id}/members/{userId}",
  tag: "Members",
  summary: "Remove a member (owners, or members leaving); publishes member.removed",
  responses: { 204: { description: "Removed" } },
  errors: [403, 409],
});
