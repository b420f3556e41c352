// GitHub webhooks: verified deliveries become PullRequest/Issue records and pr.*/issue.*/repo.push events in
// the room of the project whose own secret verified them (POST /api/webhooks/github/{project id}), or, on the
// instance-wide endpoint, of the projects an admin linked to it whose repository_url names the repository.
// Listing for the REST API.
import { verify } from "@octokit/webhooks-methods";
import { AppError, toErrorResponse } from "../errors";
import { z } from "zod";
import { clientIp, readBodyBytes } from "../api/handler";
import { isUuid } from "../ids";
import { take } from "../limits";
import { metrics } from "../metrics";
import { openSecret } from "./webhook-secret";
import { fitBytes } from "../api/bounds";
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { publish } from "../realtime/publish";
import { rooms, type EventType, type TIssue, type TPullRequest } from "../realtime/events";
import { requireAdmin, requireProjectRole } from "../auth/permissions";
import type { PublicUser } from "../users/service";
import { githubRepoName, normaliseFullName } from "./repository";
import { ZListQuery } from "./schemas";
import type { WebhookDelivery } from "../contract/github";

const SOURCE = "github_service";
/** GitHub caps payloads at 25 MB, but PR/issue/push payloads are far smaller; 5 MB leaves room for big pushes. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

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

/* ---------- webhook ---------- */

type Outcome = { status: number; body: unknown; headers?: Record<string, string> };
type Record_ = { deliveryId: string | null; event: string | null; action?: string | null; repository?: string | null; projectId: string | null };

/** Where a verified delivery may go: one project (its own endpoint) or the projects an admin linked. */
type Endpoint = { kind: "project"; projectId: string; repository: string | null } | { kind: "instance" };

async function recordDelivery(r: Record_, status: string, error: string | null, projectCount = 0) {
  await getPrisma().webhookDelivery.create({
    data: {
      projectId: r.projectId,
      deliveryId: r.deliveryId?.slice(0, 200) ?? null,
      event: r.event?.slice(0, 100) ?? null,
      action: r.action ?? null,
      repository: r.repository ?? null,
      status,
      error,
      projectCount,
    },
  });
}

function refuse(r: Record_, status: number, code: string, message: string, recordStatus = "refused"): Promise<Outcome> {
  return recordDelivery(r, recordStatus, `${code}: ${message}`).then(() => error(status, code, message));
}

/** A refusal in the contract's error shape, through the one mapper (lib/errors.ts). */
const error = (status: number, code: string, message: string, headers?: Record<string, string>): Outcome => toErrorResponse(new AppError(code, status, message, undefined, headers));

function tooMany(retryMs: number): Outcome {
  const seconds = Math.ceil(retryMs / 1000);
  return error(429, "RATE_LIMITED", `Too many unsigned or badly signed webhook requests; try again in ${seconds} s`, { "Retry-After": String(seconds) });
}

/**
 * A request that did not prove it knows the secret: one point of the per-address limit, a counter, and
 * nothing stored (an attacker controls all of it). Past the limit: 429.
 */
async function refuseUnverified(ip: string, reason: string, status: number, code: string, message: string): Promise<Outcome> {
  metrics().webhookRefused.inc({ reason });
  const retry = await take("webhook", `ip:${ip}`);
  return retry === null ? error(status, code, message) : tooMany(retry);
}

const BAD_SIGNATURE = "The X-Hub-Signature-256 signature does not match this endpoint's secret";

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const login = (v: unknown): string | null => str((v as { login?: unknown } | null | undefined)?.login);
const date = (v: unknown): Date | null => {
  const d = typeof v === "string" ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};

const ZPrPayload = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable().optional(),
  html_url: z.string(),
  state: z.string(),
  merged: z.boolean().nullable().optional(),
  merged_at: z.string().nullable().optional(),
  user: z.object({ login: z.string() }).nullable().optional(),
  head: z.object({ ref: z.string(), sha: z.string().optional() }),
  base: z.object({ ref: z.string() }).optional(),
  created_at: z.string().optional(),
});
const ZIssuePayload = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable().optional(),
  html_url: z.string(),
  state: z.string().optional(),
  user: z.object({ login: z.string() }).nullable().optional(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string() }).loose()])).optional(),
  assignees: z.array(z.object({ login: z.string() }).loose()).nullable().optional(),
  created_at: z.string().optional(),
});

/** Projects an admin linked to the instance-wide endpoint whose repository_url names this repository. */
async function linkedProjects(fullName: string): Promise<string[]> {
  const name = fullName.split("/")[1]!;
  const candidates = await getPrisma().project.findMany({
    where: { githubWebhookLinked: true, repositoryUrl: { contains: name, mode: "insensitive" } },
    select: { id: true, repositoryUrl: true },
  });
  return candidates.filter((p) => githubRepoName(p.repositoryUrl) === fullName).map((p) => p.id);
}

/** Upsert with one retry: two deliveries for the same number racing each other meet the unique constraint. */
async function retryOnce<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") return fn();
    throw e;
  }
}

async function applyPullRequest(projectId: string, action: string, pr: z.infer<typeof ZPrPayload>, sender: string | null) {
  const prisma = getPrisma();
  const status = pr.state === "closed" ? (pr.merged || pr.merged_at ? "merged" : "closed") : "open";
  const data = {
    title: pr.title.slice(0, 1000),
    body: (pr.body ?? "").slice(0, 65_536),
    author: pr.user?.login ?? "unknown",
    branch: pr.head.ref,
    baseBranch: pr.base?.ref ?? null,
    headSha: pr.head.sha ?? null,
    url: pr.html_url,
    status,
    ghCreatedAt: date(pr.created_at),
  };
  const before = await prisma.pullRequest.findUnique({ where: { projectId_number: { projectId, number: pr.number } }, select: { id: true } });
  const row = await retryOnce(() =>
    prisma.pullRequest.upsert({
      where: { projectId_number: { projectId, number: pr.number } },
      create: { projectId, number: pr.number, ...data },
      update: data,
    }),
  );
  const type: EventType =
    action === "closed" ? "pr.closed" : (action === "opened" || action === "reopened") && !before ? "pr.created" : "pr.updated";
  await publish({ type: type as "pr.created", room: rooms.project(projectId), source: SOURCE, data: { ...serializePullRequest(row), action, sender } });
}

async function applyIssue(projectId: string, action: string, issue: z.infer<typeof ZIssuePayload>, sender: string | null) {
  const prisma = getPrisma();
  const status = action === "deleted" ? "deleted" : issue.state === "closed" ? "closed" : "open";
  const data = {
    title: issue.title.slice(0, 1000),
    body: (issue.body ?? "").slice(0, 65_536),
    author: issue.user?.login ?? "unknown",
    url: issue.html_url,
    status,
    labels: (issue.labels ?? []).map((l) => (typeof l === "string" ? l : l.name)).slice(0, 100),
    assignees: (issue.assignees ?? []).map((a) => a.login).slice(0, 100),
    ghCreatedAt: date(issue.created_at),
  };
  const before = await prisma.issue.findUnique({ where: { projectId_number: { projectId, number: issue.number } }, select: { id: true } });
  const row = await retryOnce(() =>
    prisma.issue.upsert({
      where: { projectId_number: { projectId, number: issue.number } },
      create: { projectId, number: issue.number, ...data },
      update: data,
    }),
  );
  const type: EventType =
    action === "closed" || action === "deleted" ? "issue.closed" : (action === "opened" || action === "reopened") && !before ? "issue.created" : "issue.updated";
  await publish({ type: type as "issue.created", room: rooms.project(projectId), source: SOURCE, data: { ...serializeIssue(row), action, sender } });
}

async function applyPush(projectId: string, fullName: string, p: Record<string, unknown>) {
  const head = p.head_commit as { id?: unknown; message?: unknown; author?: { name?: unknown; username?: unknown } } | null | undefined;
  await publish({
    type: "repo.push",
    room: rooms.project(projectId),
    source: SOURCE,
    data: {
      project_id: projectId,
      repository: fullName,
      ref: str(p.ref) ?? "",
      before: str(p.before),
      after: str(p.after),
      commit_count: Array.isArray(p.commits) ? p.commits.length : 0,
      pusher: str((p.pusher as { name?: unknown } | undefined)?.name) ?? login(p.sender),
      compare_url: str(p.compare),
      head_commit:
        head && typeof head.id === "string"
          ? { id: head.id, message: str(head.message)?.slice(0, 2000) ?? "", author: str(head.author?.username) ?? str(head.author?.name) }
          : null,
    },
  });
}

/**
 * Handle one delivery, to a project's own endpoint (`projectId`, verified with that project's secret) or to
 * the instance-wide one (GITHUB_WEBHOOK_SECRET, delivered only to projects an admin linked). Requests that do
 * not verify are rate-limited per address and never stored; an address past its limit is answered 429 before
 * its body is read. Verified deliveries are recorded in webhook_deliveries (accepted, ignored, duplicate,
 * failed), and each X-GitHub-Delivery is claimed per endpoint through the unique accepted_delivery_id, so a
 * redelivery racing the original is answered as a duplicate.
 */
export async function handleGithubWebhook(req: Request, projectId?: string): Promise<Outcome> {
  const ip = clientIp(req);
  let secret: string | null;
  let endpoint: Endpoint;
  if (projectId !== undefined) {
    const project = isUuid(projectId)
      ? await getPrisma().project.findUnique({ where: { id: projectId }, select: { id: true, webhookSecret: true, repositoryUrl: true } })
      : null;
    secret = openSecret(project?.webhookSecret);
    // Unknown project, no secret yet, or one sealed under another AUTH_SECRET: the same answer as a bad signature.
    if (!project || !secret) return refuseUnverified(ip, "unknown_endpoint", 401, "INVALID_SIGNATURE", BAD_SIGNATURE);
    endpoint = { kind: "project", projectId: project.id, repository: githubRepoName(project.repositoryUrl) };
  } else {
    secret = getConfig().githubWebhookSecret ?? null;
    if (!secret) return error(503, "WEBHOOK_NOT_CONFIGURED", "The instance-wide GitHub webhook is not configured (GITHUB_WEBHOOK_SECRET); use the project's own webhook URL");
    endpoint = { kind: "instance" };
  }
  const signature = req.headers.get("x-hub-signature-256");
  if (!signature) return refuseUnverified(ip, "unsigned", 401, "INVALID_SIGNATURE", "The X-Hub-Signature-256 header is missing");
  const raw = await readBodyBytes(req, MAX_WEBHOOK_BYTES);
  if (!raw) return refuseUnverified(ip, "too_large", 413, "PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_WEBHOOK_BYTES} bytes`);
  const text = raw.toString("utf8");
  const valid = text.length > 0 && (await verify(secret, text, signature).catch(() => false));
  if (!valid) return refuseUnverified(ip, "bad_signature", 401, "INVALID_SIGNATURE", BAD_SIGNATURE);

  // Verified: from here on the sender knows the secret, and what it sends is recorded.
  const rec: Record_ = {
    deliveryId: req.headers.get("x-github-delivery"),
    event: req.headers.get("x-github-event"),
    projectId: endpoint.kind === "project" ? endpoint.projectId : null,
  };
  if (!rec.deliveryId || rec.deliveryId.length > 200) return refuse(rec, 400, "VALIDATION_FAILED", "The X-GitHub-Delivery header is missing or too long");
  if (!rec.event || !/^[a-z_]{1,100}$/.test(rec.event)) return refuse(rec, 400, "VALIDATION_FAILED", "The X-GitHub-Event header is missing or not an event name");
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return refuse(rec, 400, "VALIDATION_FAILED", "The body is not valid JSON (send content type application/json)");
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return refuse(rec, 400, "VALIDATION_FAILED", "The body must be a JSON object");
  }
  const p = payload as Record<string, unknown>;
  rec.action = str(p.action)?.slice(0, 100) ?? null;
  const repoFull = (p.repository as { full_name?: unknown } | undefined)?.full_name;
  rec.repository = typeof repoFull === "string" ? repoFull.slice(0, 300) : null;

  // Claim the delivery id for this endpoint: the unique constraint makes a concurrent redelivery lose.
  const prisma = getPrisma();
  const claimKey = `${rec.projectId ?? "instance"}:${rec.deliveryId}`;
  let claim: { id: string };
  try {
    claim = await prisma.webhookDelivery.create({
      data: { projectId: rec.projectId, deliveryId: rec.deliveryId, acceptedDeliveryId: claimKey, event: rec.event, action: rec.action, repository: rec.repository, status: "processing" },
      select: { id: true },
    });
  } catch (e) {
    if ((e as { code?: string }).code !== "P2002") throw e;
    await recordDelivery(rec, "duplicate", "This delivery id was accepted before");
    return { status: 200, body: { duplicate: true } };
  }
  const finish = (status: string, error: string | null, projectCount = 0) =>
    prisma.webhookDelivery.update({ where: { id: claim.id }, data: { status, error, projectCount } });

  try {
    if (rec.event === "ping") {
      await finish("accepted", null);
      return { status: 202, body: { ok: true, zen: str(p.zen) } };
    }
    const handled = ["pull_request", "issues", "push"];
    if (!handled.includes(rec.event)) {
      await finish("ignored", `event '${rec.event}' is not handled`);
      return { status: 202, body: { accepted: true, ignored: true, reason: `event '${rec.event}' is not handled`, projects: 0 } };
    }
    const fullName = normaliseFullName(repoFull);
    if (!fullName) {
      await finish("ignored", "the payload has no repository.full_name");
      return { status: 202, body: { accepted: true, ignored: true, reason: "the payload has no repository.full_name", projects: 0 } };
    }
    const ignore = async (reason: string) => {
      await finish("ignored", reason);
      return { status: 202, body: { accepted: true, ignored: true, reason, projects: 0 } };
    };
    if (endpoint.kind === "project" && endpoint.repository && endpoint.repository !== fullName) {
      return ignore(`this project's repository_url names ${endpoint.repository}, not ${fullName}`);
    }
    let apply: (projectId: string) => Promise<void>;
    if (rec.event === "pull_request") {
      const pr = ZPrPayload.safeParse(p.pull_request);
      if (!pr.success || !rec.action) return ignore("the payload has no usable pull_request or action");
      apply = (id) => applyPullRequest(id, rec.action!, pr.data, login(p.sender));
    } else if (rec.event === "issues") {
      const issue = ZIssuePayload.safeParse(p.issue);
      if (!issue.success || !rec.action) return ignore("the payload has no usable issue or action");
      apply = (id) => applyIssue(id, rec.action!, issue.data, login(p.sender));
    } else {
      apply = (id) => applyPush(id, fullName, p);
    }
    const projects = endpoint.kind === "project" ? [endpoint.projectId] : await linkedProjects(fullName);
    for (const id of projects) await apply(id);
    await finish("accepted", projects.length ? null : `no project linked to the instance webhook names ${fullName}`, projects.length);
    return { status: 202, body: { accepted: true, projects: projects.length } };
  } catch (e) {
    // Release the claim so that GitHub's redelivery can be processed; the row keeps the failure.
    await prisma.webhookDelivery
      .update({ where: { id: claim.id }, data: { status: "failed", error: String((e as Error).message).slice(0, 500), acceptedDeliveryId: null } })
      .catch(() => {});
    throw e;
  }
}

export function webhookOutcome(o: Outcome): Response {
  return new Response(JSON.stringify(o.body), { status: o.status, headers: { "content-type": "application/json", ...o.headers } });
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
