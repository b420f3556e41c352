import { z } from "zod";

/** ?status=open,merged&limit=50 for the pull-request and issue lists. */
export const ZListQuery = z.object({
  status: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** PUT /projects/{id}/webhook (admins). */
export const ZWebhookLinkSchema = z.object({ linked_to_instance_webhook: z.boolean() }).strict();

export const ZWebhookDeliverySchema = z.object({
  id: z.string(),
  project_id: z.string().nullable().describe("the project whose own endpoint received it; null: the instance-wide endpoint"),
  delivery_id: z.string().nullable(),
  event: z.string().nullable(),
  action: z.string().nullable(),
  repository: z.string().nullable(),
  status: z.string().describe("processing, accepted, ignored, duplicate, failed, refused (verified but unusable)"),
  error: z.string().nullable(),
  project_count: z.number(),
  received_at: z.string(),
});

/** What GET/PUT /projects/{id}/webhook and POST /projects/{id}/webhook/rotate answer (owners and admins only). */
export const ZWebhookSettingsSchema = z.object({
  project_id: z.string(),
  path: z.string().describe("/api/webhooks/github/{project_id}"),
  url: z.string().describe("the path on the origin this request was made to: paste it as the Payload URL in GitHub"),
  content_type: z.literal("application/json"),
  events: z.array(z.string()),
  secret: z.string().describe("the HMAC secret to paste into GitHub; made on the first look, replaced by rotate"),
  secret_rotated_at: z.string().nullable(),
  linked_to_instance_webhook: z.boolean().describe("an admin let the instance-wide GITHUB_WEBHOOK_SECRET endpoint deliver to this project"),
  instance_webhook_configured: z.boolean(),
  recent_deliveries: z.array(ZWebhookDeliverySchema),
});
