// What the model must answer for a review (validated with zod; the JSON Schema sent as response_format comes
// from the same schema through z.toJSONSchema), and the stored/served review.
import { z } from "zod";
import { AI_CATEGORIES } from "../contract/reviews";

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

export { ZReviewSchema, type TReview } from "../contract/reviews";
