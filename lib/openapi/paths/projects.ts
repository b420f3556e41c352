import { z } from "zod";
import { route } from "../registry";
import { ZInviteWithSecret } from "./accounts";
import { ZAddMemberSchema, ZCreateProjectSchema, ZEventsQuerySchema, ZUpdateMemberSchema, ZUpdateProjectSchema } from "../../projects/schemas";
import { ZMemberListResponse, ZMemberSchema, ZProjectEventsResponse, ZProjectViewSchema } from "../../contract/projects";
import { ZEnvelopeSchema } from "./common";
import { FEED_HEADS, FEED_KINDS, FEED_MAX_LIMIT, ZFeedQuerySchema, ZProjectActivitySchema } from "../../feed/kinds";

route({
  method: "get",
  path: "/api/v1/projects",
  tag: "Projects",
  summary: "The projects the caller can see",
  description:
    "Each project carries `activity`, its live status: the last test run, running workflows, agents online and the time of the last event. The browser keeps it current from the project room's events (test_run.created / test_started / test_completed, workflow.*, agent.*).",
  responses: {
    200: { description: "Projects with the caller's role and live status", schema: z.object({ projects: z.array(ZProjectViewSchema.extend({ activity: ZProjectActivitySchema })) }) },
  },
});
route({
  method: "post",
  path: "/api/v1/projects",
  tag: "Projects",
  summary: "Create a project (the caller becomes its owner); publishes project.created",
  body: ZCreateProjectSchema,
  bodyExample: { name: "Checkout service", description: "Cart, payments and receipts", test_command: "npm test" },
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
  path: "/api/v1/projects/{id}/feed",
  tag: "Projects",
  summary: "The project's activity feed: human-level items, newest first",
  description: [
    `Items are the project room's head events only; the rest folds into them. Kinds and their head types: ${FEED_KINDS.map((k) => `${k}: ${FEED_HEADS[k].join(", ")}`).join("; ")}.`,
    "A test run is one item (test_run.created) whose `summary` has the run's status and counts (its test_started, test_result, job_log and test_completed fold into it); a vibecode message is its vibecode_request with the status its chunks, response, error and patch decision brought; a workflow is workflow.started with its progress.",
    `Page with \`before\` = the previous page's \`next_before\` (null: no older items). \`limit\` 1–${FEED_MAX_LIMIT} (default 30); unknown kinds, a bad cursor or a larger limit are 400 VALIDATION_FAILED. Reads one index range per head type, never the room's whole history.`,
  ].join("\n\n"),
  query: ZFeedQuerySchema,
  responses: {
    200: {
      description: "A page of feed items",
      schema: z.object({
        items: z.array(
          z.object({
            id: z.string().describe("the head event's id; the cursor"),
            kind: z.enum(FEED_KINDS),
            envelope: ZEnvelopeSchema,
            summary: z
              .union([
                z.object({ kind: z.literal("run"), status: z.string(), passed: z.number(), failed: z.number(), skipped: z.number(), total: z.number().nullable(), duration_ms: z.number().nullable(), finished_at: z.string().nullable() }),
                z.object({ kind: z.literal("message"), status: z.string(), files_changed: z.number(), commit_sha: z.string().nullable() }),
                z.object({ kind: z.literal("workflow"), status: z.string(), progress: z.number(), current_step: z.number(), total_steps: z.number().nullable(), step_name: z.string().nullable(), finished_at: z.string().nullable() }),
              ])
              .nullable()
              .describe("runs, vibecode messages and workflows: their state now (null for other items)"),
          }),
        ),
        next_before: z.string().nullable(),
        kinds: z.array(z.enum(FEED_KINDS)),
        truncated: z.boolean().optional().describe("the page stopped early to stay under the byte bound; continue with next_before"),
      }),
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
