import { z } from "zod";

export const ZCreateTestRunSchema = z.object({
  source: z.enum(["local", "external"]).default("local"),
  name: z.string().trim().max(200).optional(),
  total: z.number().int().min(0).max(1_000_000).optional(),
});

export const ZExternalResultsSchema = z.object({
  results: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(500),
        status: z.enum(["passed", "failed", "skipped"]),
        duration_ms: z.number().min(0).max(86_400_000).nullable().optional(),
        error: z.string().max(4000).optional(),
      }),
    )
    .min(1, "give at least one result")
    .max(1000, "at most 1000 results per request"),
});

export const ZCompleteRunSchema = z.object({
  status: z.enum(["passed", "failed", "error"]).optional(),
  duration_ms: z.number().int().min(0).max(86_400_000).optional(),
  error: z.string().max(4000).optional(),
});

/** GET /test-runs/{id}/results */
export const ZResultsQuerySchema = z.object({
  after: z.coerce.number().int().min(-1).max(2_147_483_647).default(-1).describe("the seq of the last result of the previous page (results_next_after / next_after)"),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
