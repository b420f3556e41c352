// GitHub webhooks against a real server: signed real payloads, refusals, duplicates, repository matching,
// records over REST and pr.*/issue.* events in the project room.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { Socket } from "socket.io-client";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";
import { deliver, example, signed } from "../support/github";

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

async function project(url: string) {
  const p = await s.createProject(owner, { repository_url: url });
  await s.addMember(owner, p.id, viewer, "viewer");
  return p;
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
  it("a pull_request opened becomes a PR over REST and pr.created in the project room within a second", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const c = await watch(viewer, p.id);
    const got = nextEvent(c, "pr.created", () => true, 5000);
    const payload = example("pull_request", "opened", full);
    const d = await signed(SECRET, "pull_request", payload);
    const sentAt = Date.now();
    const r = await deliver(s.url, d);
    expect(r).toEqual({ status: 202, body: { accepted: true, projects: 1 } });
    const env = await got;
    expect(Date.now() - sentAt).toBeLessThan(1000);
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
    expect((await deliver(s.url, await signed(SECRET, "pull_request", closed))).status).toBe(202);
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
    await deliver(s.url, await signed(SECRET, "pull_request", opened));
    const labeled = example("pull_request", "labeled", full, (x) => (x.pull_request.number = opened.pull_request.number));
    await deliver(s.url, await signed(SECRET, "pull_request", labeled));
    const closed = example("pull_request", "closed", full, (x) => {
      x.pull_request.number = opened.pull_request.number;
      x.pull_request.merged = false;
      x.pull_request.merged_at = null;
    });
    const gotClosed = nextEvent(c, "pr.closed");
    await deliver(s.url, await signed(SECRET, "pull_request", closed));
    expect((await gotClosed).data.status).toBe("closed");
    expect(log.filter((e) => e.name.startsWith("pr.")).map((e) => e.name)).toEqual(["pr.created", "pr.updated", "pr.closed"]);
  });

  it("issues opened and closed become issue.created / issue.closed with labels and assignees", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const c = await watch(viewer, p.id);
    const payload = example("issues", "opened", full);
    const got = nextEvent(c, "issue.created");
    expect((await deliver(s.url, await signed(SECRET, "issues", payload))).body).toEqual({ accepted: true, projects: 1 });
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
    await deliver(s.url, await signed(SECRET, "issues", closed));
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
    const d = await signed(SECRET, "push", push);
    expect((await deliver(s.url, d)).body).toEqual({ accepted: true, projects: 1 });
    expect((await got).data).toMatchObject({ project_id: p.id, repository: full.toLowerCase(), ref: push.ref, after: push.after, commit_count: push.commits.length });
    const ping = example("ping", undefined, full);
    const r = await deliver(s.url, await signed(SECRET, "ping", ping));
    expect(r).toEqual({ status: 202, body: { ok: true, zen: ping.zen } });
    const recs = await deliveries();
    expect(recs.find((x) => x.delivery_id === d.id)).toMatchObject({ event: "push", status: "accepted", project_count: 1 });
  });

  it("every URL form of the same repository matches, case-insensitively; other repositories do not", async () => {
    const full = repoName();
    const [o, n] = full.split("/");
    const forms = [
      `git@github.com:${o}/${n}.git`,
      `ssh://git@github.com/${o!.toUpperCase()}/${n}`,
      `https://github.com/${o}/${n!.toLowerCase()}.git`,
    ];
    const projects = [];
    for (const url of forms) projects.push(await project(url));
    const other = await project(`https://github.com/${o}/${n}-other`);
    const sockets = await Promise.all(projects.map((p) => watch(owner, p.id)));
    const otherLog = record(await watch(owner, other.id));
    const got = sockets.map((c) => nextEvent(c, "issue.created"));
    const r = await deliver(s.url, await signed(SECRET, "issues", example("issues", "opened", full)));
    expect(r.body).toEqual({ accepted: true, projects: 3 });
    const envs = await Promise.all(got);
    expect(envs.map((e) => e.data.project_id)).toEqual(projects.map((p) => p.id));
    await new Promise((res) => setTimeout(res, 300));
    expect(otherLog.filter((e) => e.name.startsWith("issue."))).toEqual([]);
  });

  it("an unknown repository is accepted with projects 0", async () => {
    const r = await deliver(s.url, await signed(SECRET, "pull_request", example("pull_request", "opened", repoName())));
    expect(r).toEqual({ status: 202, body: { accepted: true, projects: 0 } });
  });
});

describe("refusals", () => {
  it("a bad signature is 401 INVALID_SIGNATURE, recorded, and nothing is published", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const log = record(await watch(owner, p.id));
    const d = await signed("another-secret", "pull_request", example("pull_request", "opened", full));
    const r = await deliver(s.url, d);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("INVALID_SIGNATURE");
    // a body changed after signing is refused too
    const good = await signed(SECRET, "pull_request", example("pull_request", "opened", full));
    const tampered = await deliver(s.url, { ...good, body: good.body.replace('"opened"', '"closed"') });
    expect(tampered.status).toBe(401);
    await new Promise((res) => setTimeout(res, 300));
    expect(log.filter((e) => e.name.startsWith("pr."))).toEqual([]);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/pull-requests`, { token: owner.token })).body.pull_requests).toEqual([]);
    const recs = await deliveries();
    expect(recs.find((x) => x.delivery_id === d.id)).toMatchObject({ status: "refused", error: expect.stringContaining("INVALID_SIGNATURE") });
  });

  it("a missing signature is 401 and recorded", async () => {
    const d = await signed(SECRET, "ping", { zen: "hi" });
    delete d.headers["x-hub-signature-256"];
    const r = await deliver(s.url, d);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("INVALID_SIGNATURE");
    expect((await deliveries()).find((x) => x.delivery_id === d.id)).toMatchObject({ status: "refused" });
  });

  it("a delivery id seen before answers 200 {duplicate: true}, even when sent concurrently, and publishes once", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const log = record(await watch(owner, p.id));
    const d = await signed(SECRET, "issues", example("issues", "opened", full));
    const results = await Promise.all([deliver(s.url, d), deliver(s.url, d), deliver(s.url, d)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 202]);
    expect(results.filter((r) => r.status === 200).map((r) => r.body)).toEqual([{ duplicate: true }, { duplicate: true }]);
    const again = await deliver(s.url, d);
    expect(again).toEqual({ status: 200, body: { duplicate: true } });
    await new Promise((res) => setTimeout(res, 300));
    expect(log.filter((e) => e.name.startsWith("issue."))).toHaveLength(1);
    const recs = (await deliveries()).filter((x) => x.delivery_id === d.id);
    expect(recs.map((x) => x.status).sort()).toEqual(["accepted", "duplicate", "duplicate", "duplicate"]);
  });

  it("malformed JSON is 400; a non-object is 400; odd payloads are 202 ignored with a reason, never 500", async () => {
    const bad = await deliver(s.url, await signed(SECRET, "issues", "{not json"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    const arr = await deliver(s.url, await signed(SECRET, "issues", "[1,2]"));
    expect(arr.status).toBe(400);
    const noRepo = await deliver(s.url, await signed(SECRET, "issues", { action: "opened", issue: { number: 1 } }));
    expect(noRepo).toMatchObject({ status: 202, body: { accepted: true, ignored: true, projects: 0 } });
    const full = repoName();
    await project(`https://github.com/${full}`);
    const wrongTypes = await deliver(s.url, await signed(SECRET, "pull_request", { action: "opened", repository: { full_name: full }, pull_request: { number: "x", title: 5 } }));
    expect(wrongTypes).toMatchObject({ status: 202, body: { ignored: true, reason: expect.stringContaining("pull_request") } });
    const noAction = await deliver(s.url, await signed(SECRET, "issues", { repository: { full_name: full }, issue: null }));
    expect(noAction.status).toBe(202);
    const weird = await deliver(s.url, await signed(SECRET, "pull_request", { repository: { full_name: 42 }, pull_request: [] }));
    expect(weird.status).toBe(202);
    const unknownEvent = await deliver(s.url, await signed(SECRET, "star", example("issues", "opened", full)));
    expect(unknownEvent).toMatchObject({ status: 202, body: { ignored: true, projects: 0 } });
    const badEvent = await deliver(s.url, await signed(SECRET, "../etc", { zen: "x" }));
    expect(badEvent.status).toBe(400);
    const noDelivery = await signed(SECRET, "ping", { zen: "x" });
    delete noDelivery.headers["x-github-delivery"];
    expect((await deliver(s.url, noDelivery)).status).toBe(400);
    const ignored = (await deliveries()).filter((x) => x.status === "ignored");
    expect(ignored.length).toBeGreaterThanOrEqual(4);
    expect(ignored.every((x) => typeof x.error === "string" && x.error.length > 0)).toBe(true);
    expect(s.alive).toBe(true);
  });

  it("the webhook is not limited per user and needs no credential; the lists need membership", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const r = await s.request("GET", `/api/v1/projects/${p.id}/pull-requests`, { token: outsider.token });
    expect(r.status).toBe(404);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/issues`)).status).toBe(401);
    expect((await s.request("GET", `/api/v1/projects/${randomUUID()}/issues`, { token: owner.token })).status).toBe(404);
    expect((await s.request("GET", `/api/v1/projects/not-a-uuid/pull-requests`, { token: owner.token })).status).toBe(404);
    expect((await s.request("GET", `/api/v1/github/deliveries`, { token: owner.token })).status).toBe(403);
  });
  it("a body over 5 MB is 413 (with or without a content-length) and recorded; a 3 MB payload is fine", async () => {
    const full = repoName();
    const p = await project(`https://github.com/${full}`);
    const big = example("push", undefined, full, (x) => (x.head_commit.message = "m".repeat(3 * 1024 * 1024)));
    const ok = await deliver(s.url, await signed(SECRET, "push", big));
    expect(ok).toEqual({ status: 202, body: { accepted: true, projects: 1 } });
    const huge = await signed(SECRET, "push", example("push", undefined, full, (x) => (x.head_commit.message = "m".repeat(6 * 1024 * 1024))));
    const r = await deliver(s.url, huge);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    // streamed without a content-length (chunked), on a connection of its own that is closed afterwards
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${s.url}/api/webhooks/github`, { method: "POST", agent: false, headers: { ...huge.headers, "x-github-delivery": randomUUID() } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", (e) => (e as NodeJS.ErrnoException).code === "ECONNRESET" || (e as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(e));
      const buf = Buffer.from(huge.body);
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
    expect(status).toBe(413);
    expect((await deliveries()).find((x) => x.delivery_id === huge.id)).toMatchObject({ status: "refused", error: expect.stringContaining("PAYLOAD_TOO_LARGE") });
    void p;
  });
});

describe("unconfigured", () => {
  it("without GITHUB_WEBHOOK_SECRET the webhook answers 503 WEBHOOK_NOT_CONFIGURED", async () => {
    const other = await startServer();
    try {
      const r = await deliver(other.url, await signed(SECRET, "ping", { zen: "x" }));
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe("WEBHOOK_NOT_CONFIGURED");
    } finally {
      await other.stop();
    }
  }, 180_000);
});
