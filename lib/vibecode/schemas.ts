import { z } from "zod";

export const ZPostMessageSchema = z.object({
  prompt: z.string().trim().min(1, "is required").max(20_000, "must be at most 20000 characters"),
});
export const ZFileQuerySchema = z.object({ path: z.string().min(1, "is required").max(1000) });
