// GitHub webhook ingest: a verified delivery (./webhook-http.ts verified and parsed it) becomes PullRequest /
// Issue records and pr.* / issue.* / repo.push events in the room of the project whose own secret verified it,
// or, on the instance-wide endpoint, of the projects an admin linked whose repository_url names the repository.
import { z } from "zod";
import { AppError, toErrorResponse } from "../errors";
import { isUuid } from "../ids";
import { openSecret } from "./webhook-secret";
import { getPrisma } from "../db";
import { publish } from "../realtime/publish";
import { rooms, type EventType } from "../realtime/events";
import { githubRepoName, normaliseFullName } from "./repository";
import { serializeIssue, serializePullRequest } from "./service";

const SOURCE = "github_service";

export type Outcome = { status: number; body: unknown; headers?: Record<string, string> };
type Record_ = { deliveryId: string | null; event: string | null; action?: string | null; repository?: string | null; projectId: string | null };

/** Where a verified delivery may go: one project (its own endpoint) or the projects an admin linked. */
export type Endpoint = { kind: "project"; projectId: string; repository: string | null } | { kind: "instance" };

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
export const error = (status: number, code: string, message: string, headers?: Record<string, string>): Outcome => toErrorResponse(new AppError(code, status, message, undefined, headers));

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

/** The endpoint a delivery came to and its secret; null when there is none (unknown project, no secret yet, one sealed under another AUTH_SECRET). */
export async function webhookEndpoint(projectId: string): Promise<{ secret: string; endpoint: Endpoint } | null> {
  const project = isUuid(projectId)
    ? await getPrisma().project.findUnique({ where: { id: projectId }, select: { id: true, webhookSecret: true, repositoryUrl: true } })
    : null;
  const secret = openSecret(project?.webhookSecret);
  if (!project || !secret) return null;
  return { secret, endpoint: { kind: "project", projectId: project.id, repository: githubRepoName(project.repositoryUrl) } };
}

/** A verified delivery as plain values: its endpoint, its headers, and its body parsed (or why it would not parse). */
export type VerifiedDelivery = {
  endpoint: Endpoint;
  deliveryId: string | null;
  event: string | null;
  body: { ok: true; payload: unknown } | { ok: false; message: string };
};

/**
 * Ingest one verified delivery (the sender knows the secret, so what it sends is recorded in
 * webhook_deliveries: accepted, ignored, duplicate, failed). Each X-GitHub-Delivery is claimed per endpoint
 * through the unique accepted_delivery_id, so a redelivery racing the original is answered as a duplicate.
 * A project's own endpoint delivers to that project; the instance-wide one to the projects an admin linked.
 */
export async function ingestDelivery(d: VerifiedDelivery): Promise<Outcome> {
  const { endpoint } = d;
  const rec: Record_ = { deliveryId: d.deliveryId, event: d.event, projectId: endpoint.kind === "project" ? endpoint.projectId : null };
  if (!rec.deliveryId || rec.deliveryId.length > 200) return refuse(rec, 400, "VALIDATION_FAILED", "The X-GitHub-Delivery header is missing or too long");
  if (!rec.event || !/^[a-z_]{1,100}$/.test(rec.event)) return refuse(rec, 400, "VALIDATION_FAILED", "The X-GitHub-Event header is missing or not an event name");
  if (!d.body.ok) return refuse(rec, 400, "VALIDATION_FAILED", d.body.message);
  const payload = d.body.payload;
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return refuse(rec, 400, "VALIDATION_FAILED", "The body must be a JSON object");
  }
  const p = payload as Record<string, unknown>;
  rec.action = str(p.action)?.slice(0, 100) ?? null;
  const repoFull = (p.repository as { full_name?: unknown } | undefined)?.full_name;
  rec.repository = typeof repoFull === "string" ? repoFull.slice(0, 300) : null;
  const claim = await claimDelivery(rec);
  if (!claim) return { status: 200, body: { duplicate: true } };
  try {
    return await applyDelivery(endpoint, rec as Record_ & { event: string }, p, repoFull, claim.finish);
  } catch (e) {
    await claim.fail(e);
    throw e;
  }
}

/** Claim the delivery id for this endpoint: the unique constraint makes a concurrent redelivery lose (null: a duplicate, recorded). */
async function claimDelivery(rec: Record_) {
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
    return null;
  }
  return {
    finish: (status: string, error: string | null, projectCount = 0) => prisma.webhookDelivery.update({ where: { id: claim.id }, data: { status, error, projectCount } }),
    /** Release the claim so that GitHub's redelivery can be processed; the row keeps the failure. */
    fail: (e: unknown) =>
      prisma.webhookDelivery
        .update({ where: { id: claim.id }, data: { status: "failed", error: String((e as Error).message).slice(0, 500), acceptedDeliveryId: null } })
        .catch(() => {}),
  };
}

type Finish = (status: string, error: string | null, projectCount?: number) => Promise<unknown>;

/** A claimed delivery: ping, an event not handled, or pull_request / issues / push applied to its projects. */
async function applyDelivery(endpoint: Endpoint, rec: Record_ & { event: string }, p: Record<string, unknown>, repoFull: unknown, finish: Finish): Promise<Outcome> {
  if (rec.event === "ping") {
    await finish("accepted", null);
    return { status: 202, body: { ok: true, zen: str(p.zen) } };
  }
  const ignore = async (reason: string): Promise<Outcome> => {
    await finish("ignored", reason);
    return { status: 202, body: { accepted: true, ignored: true, reason, projects: 0 } };
  };
  if (!["pull_request", "issues", "push"].includes(rec.event)) return ignore(`event '${rec.event}' is not handled`);
  const fullName = normaliseFullName(repoFull);
  if (!fullName) return ignore("the payload has no repository.full_name");
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
}
