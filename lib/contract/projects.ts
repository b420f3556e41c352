// Projects and their members: REST shapes and the project.* / member.* events.
import { z } from "zod";
import { ZEnvelopeSchema } from "./common";
import { ZProjectRole } from "./users";

export const ZProjectSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  repository_url: z.string().nullable(),
  test_command: z.string().nullable(),
  status: z.enum(["active", "archived"]),
  /** Model tokens per calendar month (UTC); null: unlimited (see lib/budgets/service.ts). */
  monthly_token_budget: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TProject = z.infer<typeof ZProjectSchema>;
/** A project as REST answers it: with the caller's role. */
export const ZProjectViewSchema = ZProjectSchema.extend({ role: ZProjectRole }).meta({ id: "Project" });
export type ProjectView = z.infer<typeof ZProjectViewSchema>;

export const ZMemberSchema = z
  .object({
    project_id: z.string(),
    user_id: z.string(),
    email: z.string(),
    name: z.string(),
    role: ZProjectRole,
    created_at: z.string(),
  })
  .meta({ id: "Member" });
export type TMember = z.infer<typeof ZMemberSchema>;

export const projectEvents = {
  "project.created": ZProjectSchema.extend({ created_by: z.string() }),
  // project_id / project_name repeat id / name in seed 004's names; changes.status is seed 004's "updated".
  "project.updated": ZProjectSchema.extend({
    project_id: z.string(),
    project_name: z.string(),
    changes: z.object({ status: z.literal("updated"), fields: z.array(z.string()) }),
    updated_by: z.string(),
  }),
  "project.deleted": z.object({ id: z.string(), project_id: z.string(), name: z.string(), deleted_by: z.string() }),
  "member.added": ZMemberSchema.extend({ added_by: z.string() }),
  "member.updated": ZMemberSchema.extend({ updated_by: z.string() }),
  "member.removed": z.object({ project_id: z.string(), user_id: z.string(), removed_by: z.string() }),
} as const;

/* REST answers */
export const ZProjectListResponse = z.object({ projects: z.array(ZProjectViewSchema) });
export const ZMemberListResponse = z.object({ members: z.array(ZMemberSchema) });
export const ZProjectEventsResponse = z.object({
  events: z.array(ZEnvelopeSchema),
  next_after: z.string(),
  reset: z.boolean().describe("events after `after` were deleted by retention: the history returned is partial"),
  oldest_id: z.string().nullable().describe("the oldest event of the room still kept (null: none)"),
  latest_id: z.string().nullable().describe("the room's newest event id (null: the room never had one)"),
});
