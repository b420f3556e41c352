// Issue #10, deliverable 10: the event log and the webhook delivery log grew forever (one busy room could fill
// the database). A real server with a short retention: a flooded room is cut back to its newest events, old
// events and delivery records go, and the room's replay still works from what is kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer, type TestUser } from "../support/server";
import { deliver, projectSecret, signed } from "../support/github";

const PER_ROOM = 5;
let s: TestServer;
let owner: TestUser;

beforeAll(async () => {
  // Age: 3 seconds (in days); at most PER_ROOM events per room; a pass every second.
  s = await startServer({ env: { EVENT_RETENTION_DAYS: String(3 / 86_400), EVENT_RETENTION_PER_ROOM: String(PER_ROOM), EVENT_RETENTION_INTERVAL_SECONDS: "1" } });
  owner = await s.createUser("Owner");
});
afterAll(async () => {
  await s?.stop();
});

/** Resolves once the server logged a retention pass that matches (the job's own report). */
function retentionLogged(match: RegExp, from = s.logs.length, timeoutMs = 20_000): Promise<string> {
  const seen = from;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const line = s.logs.slice(seen).find((l) => l.includes("[retention]") && match.test(l));
      if (line) return resolve(line);
      if (Date.now() - started > timeoutMs) return reject(new Error(`no retention pass matching ${match}:\n${s.logs.slice(-20).join("\n")}`));
      setTimeout(check, 100);
    };
    check();
  });
}

/** Re-check a condition after each retention pass (it runs every second) until it holds. */
async function until(cond: () => Promise<boolean>) {
  for (let i = 0; i < 10 && !(await cond()); i++) await retentionLogged(/./).catch(() => {});
  expect(await cond()).toBe(true);
}

async function roomEvents(projectId: string) {
  const r = await s.request("GET", `/api/v1/projects/${projectId}/events?after=0&limit=100`, { token: owner.token });
  expect(r.status).toBe(200);
  return r.body.events as { id: string; type: string }[];
}

describe("event retention", () => {
  it("a flooded room keeps only its newest events; replay still works", async () => {
    const p = await s.createProject(owner);
    const w = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: owner.token, body: { name: "flood" } });
    const capped = retentionLogged(/[1-9]\d* over the per-room cap/);
    for (let i = 1; i <= 15; i++) {
      expect((await s.request("POST", `/api/v1/workflows/${w.body.id}/progress`, { token: owner.token, body: { progress: i } })).status).toBe(200);
    }
    await capped;
    // Events published after that pass are cut by the next one.
    await until(async () => (await roomEvents(p.id)).length <= PER_ROOM);
    const kept = await roomEvents(p.id);
    expect(kept.length).toBeLessThanOrEqual(PER_ROOM);
    if (kept.length) expect(kept.at(-1)!.type).toBe("workflow.progress"); // (the age rule may have taken them all by now)
    const c = await s.connect({ auth: { token: owner.token } });
    const ack = await c.emitWithAck("subscribe", { project_id: p.id, since: "0" });
    expect(ack).toMatchObject({ status: "success" });
    expect(ack.replayed).toBeLessThanOrEqual(PER_ROOM);
  });

  it("events and webhook delivery records older than EVENT_RETENTION_DAYS go", async () => {
    const p = await s.createProject(owner);
    const secret = await projectSecret(s.url, owner.token, p.id);
    const mark = s.logs.length;
    expect((await deliver(s.url, await signed(secret, "ping", { zen: "old news" }), p.id)).status).toBe(202);
    const settings = await s.request("GET", `/api/v1/projects/${p.id}/webhook`, { token: owner.token });
    expect(settings.body.recent_deliveries).toHaveLength(1);
    const w = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: owner.token, body: { name: "aging" } });
    expect(w.status).toBe(201);
    expect((await roomEvents(p.id)).length).toBeGreaterThan(0);
    await retentionLogged(/ [1-9]\d* webhook delivery record/, mark); // the only delivery this server ever had
    await until(async () => (await roomEvents(p.id)).length === 0);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/webhook`, { token: owner.token })).body.recent_deliveries).toEqual([]);
  });

  it("notifications older than EVENT_RETENTION_DAYS go too (issue #16)", async () => {
    const member = await s.createUser("Member");
    const p = await s.createProject(owner);
    const list = async () => (await s.request("GET", "/api/v1/notifications?limit=100", { token: member.token })).body.notifications as { kind: string }[];
    await s.addMember(owner, p.id, member, "member"); // a member_added notification for the member
    await expect.poll(async () => (await list()).map((n) => n.kind), { timeout: 2_500, interval: 100 }).toContain("member_added");
    const mark = s.logs.length;
    await retentionLogged(/ [1-9]\d* notification\(s\)/, mark);
    await until(async () => (await list()).length === 0);
  });
});
