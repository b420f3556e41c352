// Attack 9 of issue #10 against a real server: webhook routing leaked private repositories. A project that
// merely NAMED github.com/acme/private received that repository's PRs, issues and pushes sent for another
// project. And every unsigned request wrote a delivery row: a flood filled the table.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";
import { deliver, example, projectSecret, signed } from "../support/github";

const INSTANCE_SECRET = "instance-webhook-secret";
let s: TestServer;
let admin: TestUser;
let victim: TestUser;
let attacker: TestUser;

beforeAll(async () => {
  s = await startServer({ env: { GITHUB_WEBHOOK_SECRET: INSTANCE_SECRET, RATE_LIMIT_WEBHOOK_REFUSALS_PER_MINUTE: "5" } });
  admin = await s.createUser("Admin");
  victim = await s.createUser("Victim");
  attacker = await s.createUser("Attacker");
});
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

const privateRepo = () => `acme-${randomBytes(3).toString("hex")}/private`;

async function watch(user: TestUser, projectId: string) {
  const c = await s.connect({ auth: { token: user.token } });
  expect(await c.emitWithAck("subscribe", { project_id: projectId })).toMatchObject({ status: "success" });
  return c;
}

async function deliveryCount(): Promise<number> {
  const r = await s.request("GET", "/api/v1/github/deliveries?limit=500", { token: admin.token });
  expect(r.status).toBe(200);
  return r.body.deliveries.length;
}

describe("attack 9: a project that names someone else's repository receives nothing of it", () => {
  it("a delivery for the victim's project (its own endpoint and secret) reaches the victim only", async () => {
    const full = privateRepo();
    const mine = await s.createProject(victim, { repository_url: `https://github.com/${full}` });
    const spy = await s.createProject(attacker, { repository_url: `git@github.com:${full}.git` });
    const victimSocket = await watch(victim, mine.id);
    const spyLog = record(await watch(attacker, spy.id));
    const got = nextEvent(victimSocket, "pr.created");
    const payload = example("pull_request", "opened", full, (p) => (p.pull_request.title = "Secret roadmap"));
    const r = await deliver(s.url, await signed(await projectSecret(s.url, victim.token, mine.id), "pull_request", payload), mine.id);
    expect(r).toMatchObject({ status: 202, body: { accepted: true, projects: 1 } });
    expect((await got).data.project_id).toBe(mine.id);
    const push = await deliver(s.url, await signed(await projectSecret(s.url, victim.token, mine.id), "push", example("push", undefined, full)), mine.id);
    expect(push.body).toEqual({ accepted: true, projects: 1 });
    await new Promise((res) => setTimeout(res, 300));
    expect(spyLog.filter((e) => /^(pr|issue|repo)\./.test(e.name))).toEqual([]);
    expect((await s.request("GET", `/api/v1/projects/${spy.id}/pull-requests`, { token: attacker.token })).body.pull_requests).toEqual([]);
  });

  it("the instance-wide endpoint reaches only projects an admin linked, never one that merely names the repository", async () => {
    const full = privateRepo();
    const mine = await s.createProject(victim, { repository_url: `https://github.com/${full}` });
    const spy = await s.createProject(attacker, { repository_url: `https://github.com/${full}.git` });
    expect((await s.request("PUT", `/api/v1/projects/${mine.id}/webhook`, { token: admin.token, body: { linked_to_instance_webhook: true } })).status).toBe(200);
    // the attacker owns the spy project but cannot link it
    expect((await s.request("PUT", `/api/v1/projects/${spy.id}/webhook`, { token: attacker.token, body: { linked_to_instance_webhook: true } })).status).toBe(403);
    const spyLog = record(await watch(attacker, spy.id));
    const r = await deliver(s.url, await signed(INSTANCE_SECRET, "issues", example("issues", "opened", full)));
    expect(r.body).toEqual({ accepted: true, projects: 1 });
    await new Promise((res) => setTimeout(res, 300));
    expect(spyLog.filter((e) => e.name.startsWith("issue."))).toEqual([]);
    expect((await s.request("GET", `/api/v1/projects/${mine.id}/issues`, { token: victim.token })).body.issues).toHaveLength(1);
  });

  it("one project's secret does not sign for another project; nobody but owners reads a secret", async () => {
    const full = privateRepo();
    const mine = await s.createProject(victim, { repository_url: `https://github.com/${full}` });
    const spy = await s.createProject(attacker, { repository_url: `https://github.com/${full}` });
    const spySecret = await projectSecret(s.url, attacker.token, spy.id);
    const r = await deliver(s.url, await signed(spySecret, "pull_request", example("pull_request", "opened", full)), mine.id);
    expect(r.status).toBe(401);
    expect((await s.request("GET", `/api/v1/projects/${mine.id}/webhook`, { token: attacker.token })).status).toBe(404);
    const reader = await s.createUser("Reader");
    await s.addMember(victim, mine.id, reader, "member");
    expect((await s.request("GET", `/api/v1/projects/${mine.id}/webhook`, { token: reader.token })).status).toBe(403);
  });
});

describe("a flood of unsigned or badly signed requests writes nothing", () => {
  it("is refused 401 and then 429 per address, and not one delivery row is written", async () => {
    const p = await s.createProject(victim);
    const before = await deliveryCount();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const d = await signed("guessed-secret", "ping", { zen: `flood ${i}` });
      if (i % 3 === 0) delete d.headers["x-hub-signature-256"];
      statuses.push((await deliver(s.url, d, i % 2 ? p.id : undefined)).status);
    }
    // 401 while the address has points left (5 a minute, one used by the test above), then only 429
    const refused = statuses.indexOf(429);
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(5);
    expect(statuses.slice(0, refused).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(refused).every((x) => x === 429)).toBe(true);
    expect(await deliveryCount()).toBe(before);
    // A correctly signed delivery still goes through (and is recorded) from the same address.
    const ok = await deliver(s.url, await signed(await projectSecret(s.url, victim.token, p.id), "ping", { zen: "real" }), p.id);
    expect(ok.status).toBe(202);
    expect(await deliveryCount()).toBe(before + 1);
    const metrics = await s.request("GET", "/api/metrics", { token: admin.token });
    expect(metrics.body).toMatch(/switchboard_webhook_refusals_total\{reason="bad_signature"\} \d+/);
  });
});
