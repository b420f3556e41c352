// What the model must answer for a review (validated with zod; the JSON Schema sent as response_format comes
// from the same schema through z.toJSONSchema), and the stored/served review.
import { z } from "zod";
import { AI_CATEGORIES, ZAiSuggestionSchema } from "../realtime/events";

export const ZModelSuggestion = z.object({
  category: z.enum(AI_CATEGORIES),
  title: z.string().min(1).max(300),
  description: z.string().max(4000),
  severity: z.enum(["info", "warning", "critical"]),
  confidence: z.number().min(0).max(1),
  suggested_action: z.string().max(2000),
  file_path: z.string().max(1000).nullable(),
  line_number: z.number().int().positive().nullable(),
});

export const ZModelReview = z.object({
  summary: z.string().max(4000),
  suggestions: z.array(ZModelSuggestion).max(50),
});

export const ZReviewSchema = z.object({
    id: z.string(),
    project_id: z.string(),
    target_type: z.enum(["pr", "code"]),
    target_id: z.string(),
    status: z.enum(["running", "completed", "failed"]),
    model: z.string().nullable(),
    summary: z.string().nullable(),
    suggestions: z.array(ZAiSuggestionSchema),
    token_usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).nullable(),
    error: z.string().nullable(),
    trace_id: z.string(),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  });
export type TReview = z.infer<typeof ZReviewSchema>;
