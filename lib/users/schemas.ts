import { z } from "zod";

export const ZRegisterSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email({ message: "must be an email address" })).refine((s) => s.length <= 254, "is too long"),
  password: z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters"),
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  /** An invite link's secret (sb_inv_…): registers even with ALLOW_SIGNUP=false. */
  invite: z.string().trim().min(1).max(200).optional(),
});
export type TRegister = z.infer<typeof ZRegisterSchema>;

export const ZTokenRequestSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(200),
});
