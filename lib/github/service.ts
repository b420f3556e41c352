// GitHub for the REST API: the pull requests and issues webhooks recorded (./ingest.ts), and the deliveries.
// The webhook itself: ./webhook-http.ts (verify, parse) and ./ingest.ts (record, publish).
import { z } from "zod";
import { fitBytes } from "../api/bounds";
import { getPrisma } from "../db";
import type { TIssue, TPullRequest } from "../realtime/events";
import { requireAdmin, requireProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { ZListQuery } from "./schemas";
import type { WebhookDelivery } from "../contract/github";

type PrRow = NonNullable<Awaited<ReturnType<ReturnType<typeof getPrisma>["pullRequest"]["findUnique"]>>>;
type IssueRow = NonNullable<Awaited<ReturnType<ReturnType<typeof getPrisma>["issue"]["findUnique"]>>>;

export function serializePullRequest(r: PrRow): TPullRequest {
  return {
    pr_id: r.id,
    project_id: r.projectId,
    number: r.number,
    title: r.title,
    description: r.body,
    author: r.author,
    branch: r.branch,
    base_branch: r.baseBranch,
    head_sha: r.headSha,
    github_url: r.url,
    status: r.status as TPullRequest["status"],
    created_at: (r.ghCreatedAt ?? r.createdAt).toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export function serializeIssue(r: IssueRow): TIssue {
  return {
    issue_id: r.id,
    project_id: r.projectId,
    number: r.number,
    title: r.title,
    description: r.body,
    author: r.author,
    github_url: r.url,
    status: r.status as TIssue["status"],
    labels: r.labels,
    assignees: r.assignees,
    created_at: (r.ghCreatedAt ?? r.createdAt).toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/* ---------- REST listing ---------- */

export { ZListQuery };

export async function listPullRequests(user: PublicUser, projectId: string, q: z.infer<typeof ZListQuery>) {
  await requireProjectRole(user, projectId, "viewer");
  const statuses = q.status ? q.status.split(",") : undefined;
  const rows = await getPrisma().pullRequest.findMany({
    where: { projectId, ...(statuses ? { status: { in: statuses } } : {}) },
    orderBy: [{ ghCreatedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    take: q.limit,
  });
  return fitBytes(rows.map(serializePullRequest));
}

export async function listIssues(user: PublicUser, projectId: string, q: z.infer<typeof ZListQuery>) {
  await requireProjectRole(user, projectId, "viewer");
  const statuses = q.status ? q.status.split(",") : undefined;
  const rows = await getPrisma().issue.findMany({
    where: { projectId, ...(statuses ? { status: { in: statuses } } : {}) },
    orderBy: [{ ghCreatedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    take: q.limit,
  });
  return fitBytes(rows.map(serializeIssue));
}

type DeliveryRow = NonNullable<Awaited<ReturnType<ReturnType<typeof getPrisma>["webhookDelivery"]["findUnique"]>>>;

export function serializeDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    project_id: r.projectId,
    delivery_id: r.deliveryId,
    event: r.event,
    action: r.action,
    repository: r.repository,
    status: r.status,
    error: r.error,
    project_count: r.projectCount,
    received_at: r.receivedAt.toISOString(),
  };
}

/** Admins: the most recent verified deliveries, with what became of each. */
export async function listDeliveries(user: PublicUser, limit: number) {
  requireAdmin(user);
  const rows = await getPrisma().webhookDelivery.findMany({ orderBy: { receivedAt: "desc" }, take: limit });
  return rows.map(serializeDelivery);
}
