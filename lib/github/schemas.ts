import { z } from "zod";

/** ?status=open,merged&limit=50 for the pull-request and issue lists. */
export const ZListQuery = z.object({
  status: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** PUT /projects/{id}/webhook (admins). */
export const ZWebhookLinkSchema = z.object({ linked_to_instance_webhook: z.boolean() }).strict();

export { ZWebhookDeliverySchema, ZWebhookSettingsSchema } from "../contract/github";
