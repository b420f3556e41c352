import { z } from "zod";

const secret = (what: string) =>
  z
    .string()
    .max(4096, "must be at most 4096 characters")
    .regex(/^[\x21-\x7e]*$/, `${what} must be printable ASCII without spaces`)
    .nullable()
    .optional();

/** PUT /projects/{id}/shipping: a value sets it, null or "" clears it, absent keeps it. */
export const ZShippingSchema = z
  .object({
    push_credential: secret("a push credential"),
    github_token: secret("a GitHub token"),
    github_repository: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, "must be owner/name")
      .refine((v) => !/\/\.{1,2}$/.test(v), "must be owner/name")
      .nullable()
      .optional()
      .or(z.literal("")),
  })
  .strict();

export const ZPullRequestSchema = z
  .object({
    title: z.string().max(256, "must be at most 256 characters").optional(),
    body: z.string().max(65_536, "must be at most 65536 characters").optional(),
    draft: z.boolean().optional(),
  })
  .strict();

export const ZApplySchema = z.object({ run_tests: z.boolean().optional() }).strict();
