// GitHub: the webhook receiver and the pull requests / issues it records.
import { z } from "zod";
import { route } from "../registry";
import {
  ZDeliveryListResponse,
  ZIssueListResponse,
  ZPullRequestListResponse,
  ZWebhookAcceptedResponse,
  ZWebhookDuplicateResponse,
  ZWebhookSettingsSchema as WebhookSettings,
} from "../../contract/github";
import { ZListQuery, ZWebhookLinkSchema } from "../../github/schemas";

const WebhookAnswer = {
  200: { description: "A delivery id this endpoint accepted before", schema: ZWebhookDuplicateResponse },
  202: {
    description: "Accepted (projects: how many projects it reached; ignored/reason when nothing was done). ping answers {ok, zen}",
    schema: ZWebhookAcceptedResponse,
  },
};


route({
  method: "post",
  path: "/api/webhooks/github/{projectId}",
  summary:
    "A project's own GitHub webhook (pull_request, issues, push, ping): X-Hub-Signature-256 is the HMAC-SHA256 of the raw body with the project's secret (GET /projects/{id}/webhook); the delivery goes to this project only (ignored when its repository_url names another repository). Headers X-GitHub-Event, X-GitHub-Delivery. Body up to 5 MB.",
  description:
    "Requests without a valid signature (or for an unknown project: the same 401) are never stored and take a point of RATE_LIMIT_WEBHOOK_REFUSALS_PER_MINUTE per address; past it they are answered 429. Correctly signed deliveries are never limited.",
  tag: "GitHub",
  auth: false,
  body: z.record(z.string(), z.unknown()),
  responses: WebhookAnswer,
  errors: [401],
});

route({
  method: "post",
  path: "/api/webhooks/github",
  summary:
    "The instance-wide GitHub webhook, signed with GITHUB_WEBHOOK_SECRET: delivered only to projects an admin linked (PUT /projects/{id}/webhook) whose repository_url names the payload's repository. Same headers, limits and refusals as the per-project endpoint.",
  tag: "GitHub",
  auth: false,
  body: z.record(z.string(), z.unknown()),
  responses: WebhookAnswer,
  errors: [401, 503],
});

route({
  method: "get",
  path: "/api/v1/projects/{id}/webhook",
  summary: "Owners and admins: the project's webhook URL and secret to paste into GitHub (the secret is made on the first look), and its last deliveries. Agent tokens: 403",
  tag: "GitHub",
  responses: { 200: { description: "The webhook settings", schema: WebhookSettings } },
  errors: [403],
});

route({
  method: "put",
  path: "/api/v1/projects/{id}/webhook",
  summary: "Admins: let the instance-wide GITHUB_WEBHOOK_SECRET endpoint deliver this project's repository to it, or stop it",
  tag: "GitHub",
  body: ZWebhookLinkSchema,
  responses: { 200: { description: "The webhook settings", schema: WebhookSettings } },
  errors: [403],
});

route({
  method: "post",
  path: "/api/v1/projects/{id}/webhook/rotate",
  summary: "Owners and admins: replace the project's webhook secret; deliveries signed with the old one are refused from now on",
  tag: "GitHub",
  responses: { 200: { description: "The webhook settings with the new secret", schema: WebhookSettings } },
  errors: [403],
});

route({
  method: "get",
  path: "/api/v1/projects/{id}/pull-requests",
  summary: "Pull requests recorded from GitHub webhooks, newest first (status: open, closed, merged; comma-separated)",
  tag: "GitHub",
  query: ZListQuery,
  responses: { 200: { description: "Pull requests", schema: ZPullRequestListResponse } },
});

route({
  method: "get",
  path: "/api/v1/projects/{id}/issues",
  summary: "Issues recorded from GitHub webhooks, newest first (status: open, closed, deleted; comma-separated)",
  tag: "GitHub",
  query: ZListQuery,
  responses: { 200: { description: "Issues", schema: ZIssueListResponse } },
});

route({
  method: "get",
  path: "/api/v1/github/deliveries",
  summary: "Admins: the most recent verified webhook deliveries (both endpoints) and what became of each (accepted, ignored, duplicate, refused, failed)",
  tag: "GitHub",
  query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }),
  responses: {
    200: {
      description: "Deliveries, newest first",
      schema: ZDeliveryListResponse,
    },
  },
  errors: [403],
});
