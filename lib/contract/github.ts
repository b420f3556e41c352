// GitHub: pull requests, issues, pushes from webhooks; webhook settings and deliveries.
import { z } from "zod";

/* pull requests, issues and pushes from GitHub webhooks (seed 004's shapes, plus number/action) */
export const ZPullRequestSchema = z.object({
  pr_id: z.string(),
  project_id: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string(),
  author: z.string(),
  branch: z.string(),
  base_branch: z.string().nullable(),
  head_sha: z.string().nullable(),
  github_url: z.string(),
  status: z.enum(["open", "closed", "merged"]),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TPullRequest = z.infer<typeof ZPullRequestSchema>;
export const ZPullRequestViewSchema = ZPullRequestSchema.meta({ id: "PullRequest" });

export const ZIssueSchema = z.object({
  issue_id: z.string(),
  project_id: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string(),
  author: z.string(),
  github_url: z.string(),
  status: z.enum(["open", "closed", "deleted"]),
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TIssue = z.infer<typeof ZIssueSchema>;
export const ZIssueViewSchema = ZIssueSchema.meta({ id: "Issue" });

const ZPrEventSchema = ZPullRequestSchema.extend({ action: z.string(), sender: z.string().nullable() });
const ZIssueEventSchema = ZIssueSchema.extend({ action: z.string(), sender: z.string().nullable() });
const ZRepoPushSchema = z.object({
  project_id: z.string(),
  repository: z.string(),
  ref: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  commit_count: z.number(),
  pusher: z.string().nullable(),
  compare_url: z.string().nullable(),
  head_commit: z.object({ id: z.string(), message: z.string(), author: z.string().nullable() }).nullable(),
});

export const githubEvents = {
  "pr.created": ZPrEventSchema,
  "pr.updated": ZPrEventSchema,
  "pr.closed": ZPrEventSchema,
  "issue.created": ZIssueEventSchema,
  "issue.updated": ZIssueEventSchema,
  "issue.closed": ZIssueEventSchema,
  "repo.push": ZRepoPushSchema,
} as const;

export const ZWebhookDeliverySchema = z
  .object({
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
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDelivery = z.infer<typeof ZWebhookDeliverySchema>;

/** What GET/PUT /projects/{id}/webhook and POST /projects/{id}/webhook/rotate answer (owners and admins only). */
export const ZWebhookSettingsSchema = z
  .object({
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
  })
  .meta({ id: "WebhookSettings" });
export type WebhookSettings = z.infer<typeof ZWebhookSettingsSchema>;

/* REST answers */
export const ZPullRequestListResponse = z.object({ pull_requests: z.array(ZPullRequestViewSchema), truncated: z.boolean().describe("more rows matched than fit in 2 MB") });
export const ZIssueListResponse = z.object({ issues: z.array(ZIssueViewSchema), truncated: z.boolean().describe("more rows matched than fit in 2 MB") });
export const ZDeliveryListResponse = z.object({ deliveries: z.array(ZWebhookDeliverySchema) });
export const ZWebhookDuplicateResponse = z.object({ duplicate: z.literal(true) });
export const ZWebhookAcceptedResponse = z.object({
  accepted: z.boolean().optional(),
  projects: z.number().optional(),
  ignored: z.boolean().optional(),
  reason: z.string().optional(),
  ok: z.boolean().optional(),
  zen: z.string().nullable().optional(),
});
