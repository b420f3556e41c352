// The GitHub webhook's HTTP side, shared by both routes (app/api/webhooks/github/...): find the endpoint's
// secret, verify the signature, read the headers and parse the body, and hand plain values to
// ingestDelivery (./ingest.ts). Requests that do not verify are rate-limited per address and never stored;
// an address past its limit is answered 429 before its body is read.
import { verify } from "@octokit/webhooks-methods";
import { clientIp, readBodyBytes } from "../api/handler";
import { take } from "../limits";
import { metrics } from "../metrics";
import { getConfig } from "../config";
import { error, ingestDelivery, webhookEndpoint, type Endpoint, type Outcome, type VerifiedDelivery } from "./ingest";

/** GitHub caps payloads at 25 MB, but PR/issue/push payloads are far smaller; 5 MB leaves room for big pushes. */
const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

const BAD_SIGNATURE = "The X-Hub-Signature-256 signature does not match this endpoint's secret";

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

/** A delivery to a project's own endpoint (`projectId`, verified with that project's secret) or to the instance-wide one (GITHUB_WEBHOOK_SECRET). */
export async function receiveGithubWebhook(req: Request, projectId?: string): Promise<Response> {
  return toResponse(await receive(req, projectId));
}

async function receive(req: Request, projectId?: string): Promise<Outcome> {
  const ip = clientIp(req);
  let secret: string;
  let endpoint: Endpoint;
  if (projectId !== undefined) {
    const found = await webhookEndpoint(projectId);
    // Unknown project, no secret yet, or one sealed under another AUTH_SECRET: the same answer as a bad signature.
    if (!found) return refuseUnverified(ip, "unknown_endpoint", 401, "INVALID_SIGNATURE", BAD_SIGNATURE);
    ({ secret, endpoint } = found);
  } else {
    const configured = getConfig().githubWebhookSecret;
    if (!configured) return error(503, "WEBHOOK_NOT_CONFIGURED", "The instance-wide GitHub webhook is not configured (GITHUB_WEBHOOK_SECRET); use the project's own webhook URL");
    secret = configured;
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
  return ingestDelivery({ endpoint, deliveryId: req.headers.get("x-github-delivery"), event: req.headers.get("x-github-event"), body: parseBody(text) });
}

function parseBody(text: string): VerifiedDelivery["body"] {
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch {
    return { ok: false, message: "The body is not valid JSON (send content type application/json)" };
  }
}

function toResponse(o: Outcome): Response {
  return new Response(JSON.stringify(o.body), { status: o.status, headers: { "content-type": "application/json", ...o.headers } });
}
