import { z } from "zod";

export const ZPostMessageSchema = z.object({
  prompt: z.string().trim().min(1, "is required").max(20_000, "must be at most 20000 characters"),
});
export const ZFileQuerySchema = z.object({ path: z.string().min(1, "is required").max(1000) });

/** GET /sessions/{id}: the newest `limit` messages, or those created before `before` (next_before of the last page). */
export const ZSessionQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  before: z.iso.datetime().optional(),
});
