// Real GitHub webhook payloads (@octokit/webhooks-examples) pointed at a test repository and signed.
// Signed here with node:crypto (GitHub's scheme: "sha256=" + HMAC-SHA256 hex of the raw body), independently of
// the server's @octokit/webhooks-methods check; plain imports so both vitest and Playwright load this file.
import { createHmac, randomUUID } from "node:crypto";
import examplesJson from "@octokit/webhooks-examples";

const examples = examplesJson as unknown as { name: string; examples: any[] }[];
const sign = async (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** A deep copy of the first example of this event (and action), with its repository renamed to owner/name. */
export function example(event: string, action: string | undefined, fullName: string, patch: (p: any) => void = () => {}): any {
  const set = examples.find((e) => e.name === event);
  const ex = set?.examples.find((x) => action === undefined || x.action === action);
  if (!ex) throw new Error(`no example for ${event}.${action}`);
  const text = JSON.stringify(ex);
  const old = ex.repository?.full_name as string | undefined;
  const p = JSON.parse(old ? text.split(old).join(fullName) : text);
  if (p.repository) {
    p.repository.full_name = fullName;
    p.repository.name = fullName.split("/")[1];
  }
  patch(p);
  return p;
}

export type Delivery = { body: string; headers: Record<string, string>; id: string };

export async function signed(secret: string, event: string, payload: unknown, id = randomUUID()): Promise<Delivery> {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return {
    id,
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-hub-signature-256": await sign(secret, body),
      "user-agent": "GitHub-Hookshot/test",
    },
  };
}

/** POST a delivery to a project's own webhook URL (projectId) or to the instance-wide one. */
export async function deliver(baseUrl: string, d: Delivery, projectId?: string): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${baseUrl}/api/webhooks/github${projectId ? `/${projectId}` : ""}`, { method: "POST", headers: d.headers, body: d.body });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

/** A project's own webhook secret, as its owner reads it (GET /api/v1/projects/{id}/webhook). */
export async function projectSecret(baseUrl: string, ownerToken: string, projectId: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/projects/${projectId}/webhook`, { headers: { authorization: `Bearer ${ownerToken}` } });
  const body = (await res.json()) as { secret?: string };
  if (res.status !== 200 || !body.secret) throw new Error(`webhook settings: ${res.status} ${JSON.stringify(body)}`);
  return body.secret;
}
