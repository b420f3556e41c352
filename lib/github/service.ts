// GitHub webhooks: verified deliveries become PullRequest/Issue records and pr.*/issue.*/repo.push events in
// the room of every project whose repository_url names the payload's repository. Listing for the REST API.
import { verify } from "@octokit/webhooks-methods";
import { z } from "zod";
import { limitAuth, readBodyBytes } from "../api/handler";
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { publish } from "../realtime/publish";
import { rooms, type EventType, type TIssue, type TPullRequest } from "../realtime/events";
import { requireAdmin, requireProjectRole } from "../auth/permissions";
import type { PublicUser } from "../users/service";
import { githubRepoName, normaliseFullName } from "./repository";
import { ZListQuery } from "./schemas";

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
  return rows.map(serializePullRequest);
}

export async function listIssues(user: PublicUser, projectId: string, q: z.infer<typeof ZListQuery>) {
  await requireProjectRole(user, projectId, "viewer");
  const statuses = q.status ? q.status.split(",") : undefined;
  const rows = await getPrisma().issue.findMany({
    where: { projectId, ...(statuses ? { status: { in: statuses } } : {}) },
    orderBy: [{ ghCreatedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    take: q.limit,
  });
  return rows.map(serializeIssue);
}

/* ---------- webhook ---------- */

type Outcome = { status: number; body: unknown };
type Record_ = { deliveryId: string | null; event: string | null; action?: string | null; repository?: string | null };

async function recordDelivery(r: Record_, status: string, error: string | null, projectCount = 0) {
  await getPrisma().webhookDelivery.create({
    data: { deliveryId: r.deliveryId?.slice(0, 200) ?? null, event: r.event?.slice(0, 100) ?? null, action: r.action ?? null, repository: r.repository ?? null, status, error, projectCount },
  });
}

function refuse(r: Record_, status: number, code: string, message: string, recordStatus = "refused"): Promise<Outcome> {
  return recordDelivery(r, recordStatus, `${code}: ${message}`).then(() => ({ status, body: { error: { code, message } } }));
}


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

/** Projects whose repository_url names this repository (owner/name, lower case). */
async function matchingProjects(fullName: string): Promise<string[]> {
  const name = fullName.split("/")[1]!;
  const candidates = await getPrisma().project.findMany({
    where: { repositoryUrl: { contains: name, mode: "insensitive" } },
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
 * Handle one delivery. Every request is recorded in webhook_deliveries (accepted, refused, duplicate,
 * ignored). A delivery id is claimed through the unique accepted_delivery_id, so a redelivery racing the
 * original is answered as a duplicate.
 */
export async function handleGithubWebhook(req: Request): Promise<Outcome> {
  const rec: Record_ = { deliveryId: req.headers.get("x-github-delivery"), event: req.headers.get("x-github-event") };
  const secret = getConfig().githubWebhookSecret;
  if (!secret) return refuse(rec, 503, "WEBHOOK_NOT_CONFIGURED", "GitHub webhooks are not configured: set GITHUB_WEBHOOK_SECRET");
  const raw = await readBodyBytes(req, MAX_WEBHOOK_BYTES);
  if (!raw) return refuse(rec, 413, "PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_WEBHOOK_BYTES} bytes`);
  const signature = req.headers.get("x-hub-signature-256");
  // Unsigned or badly signed requests count against the per-address limit of sign-in attempts, so nobody
  // can fill the delivery log (or guess the secret) at speed; past it they get 429 and are not recorded.
  if (!signature) await limitAuth(req);
  if (!signature) return refuse(rec, 401, "INVALID_SIGNATURE", "The X-Hub-Signature-256 header is missing");
  const text = raw.toString("utf8");
  const valid = text.length > 0 && (await verify(secret, text, signature).catch(() => false));
  if (!valid) await limitAuth(req);
  if (!valid) return refuse(rec, 401, "INVALID_SIGNATURE", "The X-Hub-Signature-256 signature does not match the body");
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

  // Claim the delivery id: the unique constraint makes a concurrent redelivery lose.
  const prisma = getPrisma();
  let claim: { id: string };
  try {
    claim = await prisma.webhookDelivery.create({
      data: { deliveryId: rec.deliveryId, acceptedDeliveryId: rec.deliveryId, event: rec.event, action: rec.action, repository: rec.repository, status: "processing" },
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
    const projects = await matchingProjects(fullName);
    for (const id of projects) await apply(id);
    await finish("accepted", projects.length ? null : `no project names ${fullName}`, projects.length);
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
  return new Response(JSON.stringify(o.body), { status: o.status, headers: { "content-type": "application/json" } });
}

/** Admins: the most recent deliveries (every request, with what became of it). */
export async function listDeliveries(user: PublicUser, limit: number) {
  requireAdmin(user);
  const rows = await getPrisma().webhookDelivery.findMany({ orderBy: { receivedAt: "desc" }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    delivery_id: r.deliveryId,
    event: r.event,
    action: r.action,
    repository: r.repository,
    status: r.status,
    error: r.error,
    project_count: r.projectCount,
    received_at: r.receivedAt.toISOString(),
  }));
}
