// A project's GitHub webhook settings: its URL and secret (owners and admins only; agent tokens never), secret
// rotation, and the admin switch that lets the instance-wide GITHUB_WEBHOOK_SECRET endpoint deliver to it.
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { notFound } from "../errors";
import { requireAdmin, requireProjectRole } from "../auth/permissions";
import type { Caller } from "../auth/identify";
import { newWebhookSecret, openSecret, sealSecret } from "./webhook-secret";
import { serializeDelivery } from "./service";

export const WEBHOOK_EVENTS = ["pull_request", "issues", "push"] as const;
const RECENT_DELIVERIES = 10;

export const webhookPath = (projectId: string) => `/api/webhooks/github/${projectId}`;

async function requireOwner(caller: Caller, projectId: string) {
  await requireProjectRole(caller, projectId, "webhook.manage"); // owners; never agent tokens
}

async function view(projectId: string, origin: string) {
  const prisma = getPrisma();
  let p = await prisma.project.findUnique({ where: { id: projectId }, select: { id: true, webhookSecret: true, webhookSecretRotatedAt: true, githubWebhookLinked: true } });
  if (!p) throw notFound("Project");
  let secret = openSecret(p.webhookSecret);
  if (!secret) {
    // First look (or a secret sealed under another AUTH_SECRET): make one. Conditional, so two first looks agree.
    const made = await prisma.project.updateMany({
      where: { id: projectId, webhookSecret: p.webhookSecret },
      data: { webhookSecret: sealSecret(newWebhookSecret()), webhookSecretRotatedAt: new Date() },
    });
    if (made.count === 0 && !(await prisma.project.findUnique({ where: { id: projectId }, select: { id: true } }))) throw notFound("Project");
    p = (await prisma.project.findUnique({ where: { id: projectId }, select: { id: true, webhookSecret: true, webhookSecretRotatedAt: true, githubWebhookLinked: true } }))!;
    secret = openSecret(p.webhookSecret);
  }
  const deliveries = await prisma.webhookDelivery.findMany({ where: { projectId }, orderBy: { receivedAt: "desc" }, take: RECENT_DELIVERIES });
  const path = webhookPath(projectId);
  return {
    project_id: projectId,
    path,
    url: `${origin}${path}`,
    content_type: "application/json",
    events: [...WEBHOOK_EVENTS],
    secret: secret!,
    secret_rotated_at: p.webhookSecretRotatedAt?.toISOString() ?? null,
    linked_to_instance_webhook: p.githubWebhookLinked,
    instance_webhook_configured: !!getConfig().githubWebhookSecret,
    recent_deliveries: deliveries.map(serializeDelivery),
  };
}

/** Owners: the webhook URL and secret to paste into GitHub (the secret is made on the first look). */
export async function getWebhookSettings(caller: Caller, projectId: string, origin: string) {
  await requireOwner(caller, projectId);
  return view(projectId, origin);
}

/** Owners: a new secret; deliveries signed with the old one are refused from now on. */
export async function rotateWebhookSecret(caller: Caller, projectId: string, origin: string) {
  await requireOwner(caller, projectId);
  await getPrisma().project.update({ where: { id: projectId }, data: { webhookSecret: sealSecret(newWebhookSecret()), webhookSecretRotatedAt: new Date() } });
  return view(projectId, origin);
}

/** Admins: let (or stop) the instance-wide endpoint deliver this project's repository to it. */
export async function setInstanceWebhookLink(caller: Caller, projectId: string, linked: boolean, origin: string) {
  await requireOwner(caller, projectId);
  requireAdmin(caller);
  await getPrisma().project.update({ where: { id: projectId }, data: { githubWebhookLinked: linked } });
  return view(projectId, origin);
}
