// Model usage and budgets: the shapes of GET /projects/{id}/usage and GET /admin/usage (REST, OpenAPI, client).
import { z } from "zod";

export const ZProjectUsageSchema = z.object({
  month: z.string().describe("YYYY-MM (UTC)"),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number().describe("vibecode answers and AI reviews this month, as the model API reported them"),
  messages: z.number(),
  reviews: z.number(),
  in_flight: z.number().describe("model calls waiting or running now"),
  monthly_token_budget: z.number().nullable().describe("null: unlimited"),
  remaining: z.number().nullable(),
  resets_at: z.string().describe("the start of next month (UTC)"),
  days: z.array(z.object({ date: z.string(), total_tokens: z.number() })).describe("every day of the month so far, oldest first"),
});

export const ZAdminUsageSchema = z.object({
  month: z.string(),
  total_tokens: z.number(),
  projects: z
    .array(z.object({ project_id: z.string(), name: z.string(), total_tokens: z.number(), calls: z.number(), monthly_token_budget: z.number().nullable() }))
    .describe("the 500 heaviest users this month first"),
  truncated: z.boolean(),
});
export type TProjectUsage = z.infer<typeof ZProjectUsageSchema>;
export type TAdminUsage = z.infer<typeof ZAdminUsageSchema>;

/** The budget refusal of the model-calling routes (OpenAPI descriptions). */
export const BUDGET_REFUSAL =
  "429 BUDGET_EXCEEDED (before any model call) when the project's monthly_token_budget is spent: tokens used this month plus a reserve " +
  "for each model call still running reach the budget; details {budget, used, in_flight, reserved, resets_at}, Retry-After until the month ends.";
