import { z } from "zod";
import { ZEventId } from "../realtime/events";
import { MAX_MONTHLY_TOKEN_BUDGET } from "../budgets/limits";

const repositoryUrl = z.string().trim().max(500, "must be at most 500 characters").nullable();

export const ZCreateProjectSchema = z.object({
  name: z.string().trim().min(1, "is required").max(120, "must be at most 120 characters"),
  description: z.string().max(5000, "must be at most 5000 characters").optional(),
  repository_url: repositoryUrl.optional(),
  test_command: z.string().trim().max(1000, "must be at most 1000 characters").nullable().optional(),
});
export type TCreateProject = z.infer<typeof ZCreateProjectSchema>;

export const ZUpdateProjectSchema = ZCreateProjectSchema.partial()
  .extend({
    status: z.enum(["active", "archived"]).optional(),
    monthly_token_budget: z
      .number({ message: "must be a whole number of tokens, or null for no limit" })
      .int("must be a whole number of tokens")
      .min(0, "must be at least 0")
      .max(MAX_MONTHLY_TOKEN_BUDGET, `must be at most ${MAX_MONTHLY_TOKEN_BUDGET}`)
      .nullable()
      .optional()
      .describe("model tokens (vibecode answers + AI reviews) per calendar month, UTC; null: unlimited. Owners only"),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "give at least one field to change" });
export type TUpdateProject = z.infer<typeof ZUpdateProjectSchema>;

export const ZAddMemberSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email({ message: "must be an email address" })),
  role: z.enum(["owner", "member", "viewer"]),
  /** Admins: when the email has no account, create an invite link that adds them with this role on sign-up. */
  invite: z.boolean().optional(),
});
export type TAddMember = z.infer<typeof ZAddMemberSchema>;

export const ZUpdateMemberSchema = z.object({ role: z.enum(["owner", "member", "viewer"]) });

export const ZEventsQuerySchema = z.object({
  after: ZEventId.default("0"),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
