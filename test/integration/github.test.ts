// GitHub webhooks against a real server: each project's own endpoint and secret (settings, rotation), the
// instance-wide endpoint for projects an admin linked, signed real payloads, refusals (never stored),
// duplicates, repository matching, records over REST and pr.*/issue.* events in the project room.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { Socket } from "socket.io-client";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";
import { deliver, example, projectSecret, signed, type Delivery } from "../support/github";

const SECRET = "test-webhook-secret";
let s: TestServer;
let admin: TestUser;
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  s = await startServer({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  admin = await s.createUser("Admin");
  owner = await s.createUser("Owner");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
});
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

const repoName = () => `octo-${randomBytes(3).toString("hex")}/Hello-World`;

type HookedProject = { id: string; secret: string; send: (event: string, payload: unknown, id?: ReturnType<typeof randomUUID>) => Promise<{ status: number; body: any }> };

/** A project with a viewer, its own webhook secret, and send() to its own endpoint. */
async function project(url?: string): Promise<HookedProject> {
  const p = await s.createProject(owner, url ? { repository_url: url } : {});
  await s.addMember(owner, p.id, viewer, "viewer");
  const secret = await projectSecret(s.url, owner.token, p.id);
  return { id: p.id, secret, send: async (event, payload, id) => deliver(s.url, await signed(secret, event, payload, id), p.id) };
}

const toProject = (p: HookedProject, d: Delivery) => deliver(s.url, d, p.id);

async function link(p: { id: string }, linked = true) {
  const r = await s.request("PUT", `/api/v1/projects/${p.id}/webhook`, { token: admin.token, body: { linked_to_instance_webhook: linked } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function watch(user: TestUser, projectId: string): Promise<Socket> {
  const c = await s.connect({ auth: { token: user.token } });
  expect(await c.emitWithAck("subscribe", { project_id: projectId })).toMatchObject({ status: "success" });
  return c;
}

async function deliveries() {
  const r = await s.request("GET", "/api/v1/github/deliveries?limit=500", { token: admin.token });
  expect(r.status).toBe(200);
  return r.body.deliveries as any[];
}

describe("signed deliveries", () => {
  it("a pull_request opened becomes a PR over REST and pr.created in the project room promptly", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const c = await watch(viewer, p.id);
    const got = nextEvent(c, "pr.created", () => true, 5000);
    const payload = example("pull_request", "opened", full);
    const d = await signed(p.secret, "pull_request", payload);
    const sentAt = Date.now();
    const r = await toProject(p, d);
    expect(r).toMatchObject({ status: 202, body: { accepted: true, projects: 1 } });
    const env = await got;
    expect(Date.now() - sentAt).toBeLessThan(4000); // a second on a quiet machine; generous for a loaded CI
    expect(env).toMatchObject({ type: "pr.created", source: "github_service", room: `project:${p.id}` });
    expect(env.data).toEqual({
      pr_id: expect.any(String),
      project_id: p.id,
      number: payload.pull_request.number,
      title: payload.pull_request.title,
      description: payload.pull_request.body ?? "",
      author: payload.pull_request.user.login,
      branch: payload.pull_request.head.ref,
      base_branch: payload.pull_request.base.ref,
      head_sha: payload.pull_request.head.sha,
      github_url: payload.pull_request.html_url,
      status: "open",
      created_at: new Date(payload.pull_request.created_at).toISOString(),
      updated_at: expect.any(String),
      action: "opened",
      sender: payload.sender.login,
    });
    const list = await s.request("GET", `/api/v1/projects/${p.id}/pull-requests`, { token: viewer.token });
    expect(list.status).toBe(200);
    expect(list.body.pull_requests).toHaveLength(1);
    expect(list.body.pull_requests[0]).toMatchObject({ pr_id: env.data.pr_id, number: payload.pull_request.number, status: "open" });
    const rec = (await deliveries()).find((x) => x.delivery_id === d.id);
    expect(rec).toMatchObject({ event: "pull_request", action: "opened", status: "accepted", project_count: 1, repository: full });

    // closed and merged: the same record, pr.closed with status merged
    const closed = example("pull_request", "closed", full, (x) => {
      x.pull_request.number = payload.pull_request.number;
      x.pull_request.merged = true;
      x.pull_request.merged_at = "2019-05-15T15:20:40Z";
    });
    const gotClosed = nextEvent(c, "pr.closed");
    expect((await p.send("pull_request", closed)).status).toBe(202);
    expect((await gotClosed).data).toMatchObject({ pr_id: env.data.pr_id, status: "merged", action: "closed" });
    const merged = await s.request("GET", `/api/v1/projects/${p.id}/pull-requests?status=merged`, { token: viewer.token });
    expect(merged.body.pull_requests.map((x: any) => x.pr_id)).toEqual([env.data.pr_id]);
    const open = await s.request("GET", `/api/v1/projects/${p.id}/pull-requests?status=open`, { token: viewer.token });
    expect(open.body.pull_requests).toEqual([]);
  });

  it("a closed PR that was not merged is closed; an edit is pr.updated", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}.git`);
    const c = await watch(owner, p.id);
    const log = record(c);
    const opened = example("pull_request", "opened", full);
    await p.send("pull_request", opened);
    const labeled = example("pull_request", "labeled", full, (x) => (x.pull_request.number = opened.pull_request.number));
    await p.send("pull_request", labeled);
    const closed = example("pull_request", "closed", full, (x) => {
      x.pull_request.number = opened.pull_request.number;
      x.pull_request.merged = false;
      x.pull_request.merged_at = null;
    });
    const gotClosed = nextEvent(c, "pr.closed");
    await p.send("pull_request", closed);
    expect((await gotClosed).data.status).toBe("closed");
    expect(log.filter((e) => e.name.startsWith("pr.")).map((e) => e.name)).toEqual(["pr.created", "pr.updated", "pr.closed"]);
  });

  it("issues opened and closed become issue.created / issue.closed with labels and assignees", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const c = await watch(viewer, p.id);
    const payload = example("issues", "opened", full);
    const got = nextEvent(c, "issue.created");
    expect((await p.send("issues", payload)).body).toEqual({ accepted: true, projects: 1 });
    const env = await got;
    expect(env.data).toMatchObject({
      project_id: p.id,
      number: payload.issue.number,
      title: payload.issue.title,
      author: payload.issue.user.login,
      github_url: payload.issue.html_url,
      status: "open",
      labels: payload.issue.labels.map((l: any) => l.name),
      assignees: (payload.issue.assignees ?? []).map((a: any) => a.login),
    });
    const closed = example("issues", "opened", full, (x) => (x.action = "closed"));
    closed.issue.state = "closed";
    const gotClosed = nextEvent(c, "issue.closed");
    await p.send("issues", closed);
    expect((await gotClosed).data).toMatchObject({ issue_id: env.data.issue_id, status: "closed" });
    const list = await s.request("GET", `/api/v1/projects/${p.id}/issues`, { token: viewer.token });
    expect(list.body.issues).toEqual([expect.objectContaining({ issue_id: env.data.issue_id, status: "closed" })]);
    const open = await s.request("GET", `/api/v1/projects/${p.id}/issues?status=open`, { token: viewer.token });
    expect(open.body.issues).toEqual([]);
  });

  it("push is recorded and published as repo.push; ping answers ok with the zen", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const c = await watch(owner, p.id);
    const push = example("push", undefined, full);
    const got = nextEvent(c, "repo.push");
    const d = await signed(p.secret, "push", push);
    expect((await toProject(p, d)).body).toEqual({ accepted: true, projects: 1 });
    expect((await got).data).toMatchObject({ project_id: p.id, repository: full.toLowerCase(), ref: push.ref, after: push.after, commit_count: push.commits.length });
    const ping = example("ping", undefined, full);
    const r = await p.send("ping", ping);
    expect(r).toMatchObject({ status: 202, body: { ok: true, zen: ping.zen } });
    const recs = await deliveries();
    expect(recs.find((x) => x.delivery_id === d.id)).toMatchObject({ event: "push", status: "accepted", project_count: 1 });
  });

  it("a delivery for another repository than the project's repository_url is ignored with a reason", async () => {
    const p = await project(`https://github.com/${repoName()}`);
    const r = await p.send("pull_request", example("pull_request", "opened", repoName()));
    expect(r).toMatchObject({ status: 202, body: { accepted: true, ignored: true, projects: 0, reason: expect.stringContaining("repository_url") } });
    const loose = await project();
    expect((await loose.send("issues", example("issues", "opened", repoName()))).body).toEqual({ accepted: true, projects: 1 });
  });
});

describe("webhook settings", () => {
  it("owners and admins read the URL and secret; members, viewers and agent tokens may not; outsiders see nothing", async () => {
    const p = await project(`https://github.com/${repoName()}`);
    const r = await s.request("GET", `/api/v1/projects/${p.id}/webhook`, { token: owner.token });
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.body).toEqual({
      project_id: p.id,
      path: `/api/webhooks/github/${p.id}`,
      url: expect.stringMatching(new RegExp(`^https?://[^/]+/api/webhooks/github/${p.id}$`)),
      content_type: "application/json",
      events: ["pull_request", "issues", "push"],
      secret: p.secret,
      secret_rotated_at: expect.any(String),
      linked_to_instance_webhook: false,
      instance_webhook_configured: true,
      recent_deliveries: [],
    });
    expect(p.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/webhook`, { token: admin.token })).body.secret).toBe(p.secret);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/webhook`, { token: viewer.token })).status).toBe(403);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/webhook`, { token: outsider.token })).status).toBe(404);
    expect((await s.request("POST", `/api/v1/projects/${p.id}/webhook/rotate`, { token: viewer.token })).status).toBe(403);
    const agent = await s.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "bot", kind: "agent" } });
    expect((await s.request("GET", `/api/v1/projects/${p.id}/webhook`, { token: agent.body.token })).status).toBe(403);
    // the secret is in no other answer
    const project_ = await s.request("GET", `/api/v1/projects/${p.id}`, { token: owner.token });
    expect(JSON.stringify(project_.body)).not.toContain(p.secret);
    expect(JSON.stringify((await s.request("GET", "/api/v1/projects", { token: owner.token })).body)).not.toContain(p.secret);
  });

  it("rotating makes a new secret: the old one is refused at once, the new one works; deliveries show on the settings", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    expect((await p.send("ping", example("ping", undefined, full))).status).toBe(202);
    const r = await s.request("POST", `/api/v1/projects/${p.id}/webhook/rotate`, { token: owner.token });
    expect(r.status).toBe(200);
    expect(r.body.secret).not.toBe(p.secret);
    expect(r.body.recent_deliveries).toEqual([expect.objectContaining({ event: "ping", status: "accepted", project_id: p.id })]);
    const old = await p.send("issues", example("issues", "opened", full));
    expect(old.status).toBe(401);
    const fresh = await deliver(s.url, await signed(r.body.secret, "issues", example("issues", "opened", full)), p.id);
    expect(fresh).toMatchObject({ status: 202, body: { accepted: true, projects: 1 } });
  });

  it("only admins link a project to the instance-wide endpoint", async () => {
    const p = await project(`https://github.com/${repoName()}`);
    const r = await s.request("PUT", `/api/v1/projects/${p.id}/webhook`, { token: owner.token, body: { linked_to_instance_webhook: true } });
    expect(r.status).toBe(403);
    expect((await link(p)).linked_to_instance_webhook).toBe(true);
    expect((await link(p, false)).linked_to_instance_webhook).toBe(false);
    const bad = await s.request("PUT", `/api/v1/projects/${p.id}/webhook`, { token: admin.token, body: { linked_to_instance_webhook: "yes" } });
    expect(bad.status).toBe(400);
  });
});

describe("the instance-wide endpoint (GITHUB_WEBHOOK_SECRET)", () => {
  it("reaches only linked projects; every URL form of the same repository matches, case-insensitively", async () => {
    const full = repoName();
    const [o, n] = full.split("/");
    const forms = [
      `git@github.com:${o}/${n}.git`,
      `ssh://git@github.com/${o!.toUpperCase()}/${n}`,
      `https://github.com/${o}/${n!.toLowerCase()}.git`,
    ];
    const projects = [];
    for (const url of forms) projects.push(await project(url));
    for (const p of projects) await link(p);
    const unlinked = await project(`https://github.com/${full}`);
    const other = await project(`https://github.com/${o}/${n}-other`);
    await link(other);
    const sockets = await Promise.all(projects.map((p) => watch(owner, p.id)));
    const otherLog = record(await watch(owner, other.id));
    const unlinkedLog = record(await watch(owner, unlinked.id));
    const got = sockets.map((c) => nextEvent(c, "issue.created"));
    const d = await signed(SECRET, "issues", example("issues", "opened", full));
    const r = await deliver(s.url, d);
    expect(r.body).toEqual({ accepted: true, projects: 3 });
    const envs = await Promise.all(got);
    expect(envs.map((e) => e.data.project_id)).toEqual(projects.map((p) => p.id));
    await new Promise((res) => setTimeout(res, 300));
    expect(otherLog.filter((e) => e.name.startsWith("issue."))).toEqual([]);
    expect(unlinkedLog.filter((e) => e.name.startsWith("issue."))).toEqual([]);
    expect((await deliveries()).find((x) => x.delivery_id === d.id)).toMatchObject({ project_id: null, status: "accepted", project_count: 3 });
  });

  it("an unknown repository is accepted with projects 0; a project's own secret does not sign for it", async () => {
    const r = await deliver(s.url, await signed(SECRET, "pull_request", example("pull_request", "opened", repoName())));
    expect(r).toMatchObject({ status: 202, body: { accepted: true, projects: 0 } });
    const p = await project(`https://github.com/${repoName()}`);
    expect((await deliver(s.url, await signed(p.secret, "ping", { zen: "x" }))).status).toBe(401);
    expect((await deliver(s.url, await signed(SECRET, "ping", { zen: "x" }), p.id)).status).toBe(401);
  });
});

describe("refusals", () => {
  it("a bad signature is 401 INVALID_SIGNATURE, not stored, and nothing is published", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const log = record(await watch(owner, p.id));
    const d = await signed("another-secret", "pull_request", example("pull_request", "opened", full));
    const r = await toProject(p, d);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("INVALID_SIGNATURE");
    // a body changed after signing is refused too
    const good = await signed(p.secret, "pull_request", example("pull_request", "opened", full));
    const tampered = await toProject(p, { ...good, body: good.body.replace('"opened"', '"closed"') });
    expect(tampered.status).toBe(401);
    await new Promise((res) => setTimeout(res, 300));
    expect(log.filter((e) => e.name.startsWith("pr."))).toEqual([]);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/pull-requests`, { token: owner.token })).body.pull_requests).toEqual([]);
    const recs = await deliveries();
    expect(recs.find((x) => x.delivery_id === d.id || x.delivery_id === good.id)).toBeUndefined();
  });

  it("a missing signature, an unknown project and a non-uuid project are the same 401, not stored", async () => {
    const p = await project();
    const d = await signed(p.secret, "ping", { zen: "hi" });
    delete d.headers["x-hub-signature-256"];
    const r = await toProject(p, d);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("INVALID_SIGNATURE");
    const unknown = await deliver(s.url, await signed(p.secret, "ping", { zen: "hi" }), randomUUID());
    const junk = await deliver(s.url, await signed(p.secret, "ping", { zen: "hi" }), "not-a-uuid");
    expect([unknown.status, junk.status]).toEqual([401, 401]);
    expect(unknown.body).toEqual((await deliver(s.url, await signed("wrong", "ping", { zen: "hi" }), p.id)).body);
    expect((await deliveries()).find((x) => x.delivery_id === d.id)).toBeUndefined();
  });

  it("a delivery id seen before answers 200 {duplicate: true}, even when sent concurrently, and publishes once", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const log = record(await watch(owner, p.id));
    const d = await signed(p.secret, "issues", example("issues", "opened", full));
    const results = await Promise.all([toProject(p, d), toProject(p, d), toProject(p, d)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 202]);
    expect(results.filter((r) => r.status === 200).map((r) => r.body)).toEqual([{ duplicate: true }, { duplicate: true }]);
    const again = await toProject(p, d);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    await new Promise((res) => setTimeout(res, 300));
    expect(log.filter((e) => e.name.startsWith("issue."))).toHaveLength(1);
    const recs = (await deliveries()).filter((x) => x.delivery_id === d.id);
    expect(recs.map((x) => x.status).sort()).toEqual(["accepted", "duplicate", "duplicate", "duplicate"]);
  });

  it("malformed JSON is 400; a non-object is 400; odd payloads are 202 ignored with a reason, never 500", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const bad = await p.send("issues", "{not json");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    const arr = await p.send("issues", "[1,2]");
    expect(arr.status).toBe(400);
    const noRepo = await p.send("issues", { action: "opened", issue: { number: 1 } });
    expect(noRepo).toMatchObject({ status: 202, body: { accepted: true, ignored: true, projects: 0 } });
    const wrongTypes = await p.send("pull_request", { action: "opened", repository: { full_name: full }, pull_request: { number: "x", title: 5 } });
    expect(wrongTypes).toMatchObject({ status: 202, body: { ignored: true, reason: expect.stringContaining("pull_request") } });
    const noAction = await p.send("issues", { repository: { full_name: full }, issue: null });
    expect(noAction.status).toBe(202);
    const weird = await p.send("pull_request", { repository: { full_name: 42 }, pull_request: [] });
    expect(weird.status).toBe(202);
    const unknownEvent = await p.send("star", example("issues", "opened", full));
    expect(unknownEvent).toMatchObject({ status: 202, body: { ignored: true, projects: 0 } });
    const badEvent = await p.send("../etc", { zen: "x" });
    expect(badEvent.status).toBe(400);
    const noDelivery = await signed(p.secret, "ping", { zen: "x" });
    delete noDelivery.headers["x-github-delivery"];
    expect((await toProject(p, noDelivery)).status).toBe(400);
    const ignored = (await deliveries()).filter((x) => x.status === "ignored" && x.project_id === p.id);
    expect(ignored.length).toBeGreaterThanOrEqual(4);
    expect(ignored.every((x) => typeof x.error === "string" && x.error.length > 0)).toBe(true);
    expect(s.alive).toBe(true);
  });

  it("the webhook needs no credential; the lists need membership", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const r = await s.request("GET", `/api/v1/projects/${p.id}/pull-requests`, { token: outsider.token });
    expect(r.status).toBe(404);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/issues`)).status).toBe(401);
    expect((await s.request("GET", `/api/v1/projects/${randomUUID()}/issues`, { token: owner.token })).status).toBe(404);
    expect((await s.request("GET", `/api/v1/projects/not-a-uuid/pull-requests`, { token: owner.token })).status).toBe(404);
    expect((await s.request("GET", `/api/v1/github/deliveries`, { token: owner.token })).status).toBe(403);
  });

  it("a body over 5 MB is 413 (with or without a content-length) and not stored; a 3 MB payload is fine", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const big = example("push", undefined, full, (x) => (x.head_commit.message = "m".repeat(3 * 1024 * 1024)));
    const ok = await p.send("push", big);
    expect(ok).toMatchObject({ status: 202, body: { accepted: true, projects: 1 } });
    const huge = await signed(p.secret, "push", example("push", undefined, full, (x) => (x.head_commit.message = "m".repeat(6 * 1024 * 1024))));
    // Raw requests on connections of their own: the server may answer 413 and stop reading before the
    // client has written everything, so a reset while writing is an acceptable end (fetch would throw).
    const post = (chunked: boolean) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const buf = Buffer.from(huge.body);
        const headers: Record<string, string> = { ...huge.headers, ...(chunked ? { "x-github-delivery": randomUUID() } : {}) };
        if (!chunked) headers["content-length"] = String(buf.length);
        const req = http.request(`${s.url}/api/webhooks/github/${p.id}`, { method: "POST", agent: false, headers }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (body += d));
          res.on("end", () => (resolve({ status: res.statusCode ?? 0, body }), req.destroy()));
          res.on("error", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        // A reset can also discard the 413 already on its way (the kernel drops unread data of a reset
        // socket): then the refusal is the reset itself (status 0), after a grace period for the answer.
        req.on("error", (e) => {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === "ECONNRESET" || code === "EPIPE") setTimeout(() => resolve({ status: 0, body: "" }), 2000);
          else reject(e);
        });
        let i = 0;
        const write = () => {
          while (i < buf.length) {
            const ok = req.write(buf.subarray(i, (i += 64 * 1024)));
            if (!ok) return void req.once("drain", write);
          }
          req.end();
        };
        write();
      });
    const r = await post(false);
    expect([413, 0]).toContain(r.status); // 413, or the connection reset before the client read it
    if (r.body) expect(JSON.parse(r.body).error.code).toBe("PAYLOAD_TOO_LARGE");
    // streamed without a content-length (chunked)
    const { status } = await post(true);
    expect([413, 0]).toContain(status);
    expect((await deliveries()).find((x) => x.delivery_id === huge.id)).toBeUndefined();
    // never accepted, and the server is unharmed: the next delivery goes through
    expect(await p.send("push", example("push", undefined, full))).toMatchObject({ status: 202, body: { accepted: true } });
  });
});

describe("unconfigured", () => {
  it("without GITHUB_WEBHOOK_SECRET the instance-wide webhook answers 503 WEBHOOK_NOT_CONFIGURED; per-project ones work", async () => {
    const other = await startServer();
    try {
      const r = await deliver(other.url, await signed(SECRET, "ping", { zen: "x" }));
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe("WEBHOOK_NOT_CONFIGURED");
      const o = await other.createUser("Owner");
      const p = await other.createProject(o);
      const secret = await projectSecret(other.url, o.token, p.id);
      const settings = await other.request("GET", `/api/v1/projects/${p.id}/webhook`, { token: o.token });
      expect(settings.body.instance_webhook_configured).toBe(false);
      expect((await deliver(other.url, await signed(secret, "ping", { zen: "x" }), p.id)).status).toBe(202);
    } finally {
      await other.stop();
    }
  }, 180_000);
});
