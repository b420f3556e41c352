// AI reviews of pull requests and vibecode patches: REST shapes and the ai.* events (seed 004's shapes).
import { z } from "zod";
import { ZTokenUsageSchema } from "./common";

export const AI_CATEGORIES = ["optimization", "refactor", "bug_fix", "security", "performance", "maintainability"] as const;
export const ZAiSuggestionSchema = z.object({
  suggestion_id: z.string(),
  target_type: z.enum(["pr", "code"]),
  target_id: z.string(),
  category: z.enum(AI_CATEGORIES),
  title: z.string(),
  description: z.string(),
  severity: z.enum(["info", "warning", "critical"]),
  confidence: z.number().min(0).max(1),
  suggested_action: z.string(),
  metadata: z.object({ file_path: z.string().nullable().optional(), line_number: z.number().nullable().optional() }).loose(),
});
export type TAiSuggestion = z.infer<typeof ZAiSuggestionSchema>;

export const ZReviewSchema = z
  .object({
    id: z.string(),
    project_id: z.string(),
    target_type: z.enum(["pr", "code"]),
    target_id: z.string(),
    status: z.enum(["running", "completed", "failed"]),
    model: z.string().nullable(),
    summary: z.string().nullable(),
    suggestions: z.array(ZAiSuggestionSchema),
    token_usage: ZTokenUsageSchema.nullable(),
    error: z.string().nullable(),
    trace_id: z.string(),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Review" });
export type TReview = z.infer<typeof ZReviewSchema>;

export const reviewEvents = {
  "ai.suggestion": ZAiSuggestionSchema.extend({ review_id: z.string(), session_id: z.string().nullable() }),
  "ai.analysis_complete": z.object({
    review_id: z.string(),
    target_type: z.enum(["pr", "code"]),
    target_id: z.string(),
    session_id: z.string().nullable(),
    status: z.enum(["completed", "failed"]),
    summary: z.string().nullable(),
    suggestion_count: z.number(),
    model: z.string().nullable(),
    token_usage: ZTokenUsageSchema.nullable(),
    error: z.string().optional(),
  }),
} as const;

/* REST answers */
export const ZReviewStartedResponse = z.object({ review_id: z.string(), trace_id: z.string(), status: z.literal("running") });
export type ReviewStartedResponse = z.infer<typeof ZReviewStartedResponse>;
export const ZReviewListResponse = z.object({ reviews: z.array(ZReviewSchema) });
