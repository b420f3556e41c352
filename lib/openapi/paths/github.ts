// GitHub: the webhook receiver and the pull requests / issues it records.
import { z } from "zod";
import { route } from "../registry";
import { ZIssueSchema, ZPullRequestSchema } from "../../realtime/events";
import { ZListQuery } from "../../github/schemas";

const PullRequest = ZPullRequestSchema.meta({ id: "PullRequest" });
const Issue = ZIssueSchema.meta({ id: "Issue" });

route({
  method: "post",
  path: "/api/webhooks/github",
  summary:
    "GitHub webhook (pull_request, issues, push, ping). Headers X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256 (HMAC-SHA256 of the raw body with GITHUB_WEBHOOK_SECRET). Body up to 5 MB.",
  tag: "GitHub",
  auth: false,
  body: z.record(z.string(), z.unknown()),
  responses: {
    200: { description: "A delivery id accepted before", schema: z.object({ duplicate: z.literal(true) }) },
    202: {
      description: "Accepted (projects: how many projects the repository matched; ignored/reason when nothing was done). ping answers {ok, zen}",
      schema: z.object({ accepted: z.boolean().optional(), projects: z.number().optional(), ignored: z.boolean().optional(), reason: z.string().optional(), ok: z.boolean().optional(), zen: z.string().nullable().optional() }),
    },
  },
  errors: [401, 503],
});

route({
  method: "get",
  path: "/api/v1/projects/{id}/pull-requests",
  summary: "Pull requests recorded from GitHub webhooks, newest first (status: open, closed, merged; comma-separated)",
  tag: "GitHub",
  query: ZListQuery,
  responses: { 200: { description: "Pull requests", schema: z.object({ pull_requests: z.array(PullRequest) }) } },
});

route({
  method: "get",
  path: "/api/v1/projects/{id}/issues",
  summary: "Issues recorded from GitHub webhooks, newest first (status: open, closed, deleted; comma-separated)",
  tag: "GitHub",
  query: ZListQuery,
  responses: { 200: { description: "Issues", schema: z.object({ issues: z.array(Issue) }) } },
});

route({
  method: "get",
  path: "/api/v1/github/deliveries",
  summary: "Admins: the most recent webhook requests and what became of each (accepted, ignored, duplicate, refused, failed)",
  tag: "GitHub",
  query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }),
  responses: {
    200: {
      description: "Deliveries, newest first",
      schema: z.object({
        deliveries: z.array(
          z.object({
            id: z.string(),
            delivery_id: z.string().nullable(),
            event: z.string().nullable(),
            action: z.string().nullable(),
            repository: z.string().nullable(),
            status: z.string(),
            error: z.string().nullable(),
            project_count: z.number(),
            received_at: z.string(),
          }),
        ),
      }),
    },
  },
  errors: [403],
});
