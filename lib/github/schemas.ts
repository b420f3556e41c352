import { z } from "zod";

/** ?status=open,merged&limit=50 for the pull-request and issue lists. */
export const ZListQuery = z.object({
  status: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
