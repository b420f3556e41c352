// Seed-compatible shapes (issue #14 item 6), additively, on a real server: /health answers like /api/health,
// project.updated carries seed 004's project_id / project_name / changes and reaches user:<updated_by>,
// project.deleted carries project_id and reaches every former member's user: room.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  s = await startServer();
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
}, 120_000);
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

describe("GET /health (seed 002)", () => {
  it("answers like /api/health without a credential, never a redirect to sign-in", async () => {
    const api = await s.request("GET", "/api/health");
    const seed = await s.request("GET", "/health");
    expect(seed.status).toBe(200);
    expect(seed.headers.get("location")).toBeNull();
    expect(seed.headers.get("content-type")).toContain("application/json");
    expect(seed.body).toEqual(api.body);
    expect(seed.body).toEqual({ status: "ok", checks: { database: "ok", redis: "disabled" } });
    // With a stale or foreign cookie too; and a HEAD-less query string.
    const withCookie = await s.request("GET", "/health?probe=1", { headers: { cookie: "next-auth.session-token=garbage" } });
    expect(withCookie.status).toBe(200);
    expect(withCookie.body.status).toBe("ok");
    // Only /health itself: its look-alikes are still pages behind sign-in.
    const page = await s.request("GET", "/healthz");
    expect([307, 308]).toContain(page.status);
    expect(page.headers.get("location")).toContain("/signin");
    // Nothing to change there.
    expect((await s.request("POST", "/health", { body: {} })).status).toBeGreaterThanOrEqual(400);
  });
});

describe("project.updated (seed 004)", () => {
  it("carries project_id, project_name and changes {status, fields}, in the project room and the updater's user room", async () => {
    const p = await s.createProject(owner, { name: "Seeded" });
    await s.addMember(owner, p.id, member, "member");
    const mine = await s.connect({ auth: { token: member.token } }); // in user:<member> from the start
    const mineLog = record(mine);
    const room = await s.connect({ auth: { token: viewer.token } });
    await s.addMember(owner, p.id, viewer, "viewer");
    expect(await room.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "success" });
    const inRoom = nextEvent(room, "project.updated");
    const inUserRoom = nextEvent(mine, "project.updated");
    const r = await s.request("PUT", `/api/v1/projects/${p.id}`, { token: member.token, body: { name: "Seeded 2", description: "now described" } });
    expect(r.status).toBe(200);
    const [a, b] = await Promise.all([inRoom, inUserRoom]);
    expect(a.room).toBe(`project:${p.id}`);
    expect(b.room).toBe(`user:${member.id}`);
    for (const e of [a, b]) {
      expect(e.source).toBe("project_service");
      expect(e.data).toMatchObject({
        id: p.id,
        project_id: p.id,
        name: "Seeded 2",
        project_name: "Seeded 2",
        description: "now described",
        status: "active",
        updated_by: member.id,
        changes: { status: "updated", fields: ["name", "description"] },
      });
    }
    // The updater, in no project room, hears it once: in its own user room.
    await new Promise((r) => setTimeout(r, 300));
    expect(mineLog.filter((e) => e.name === "project.updated")).toHaveLength(1);
  });
});

describe("project.deleted (seed 004)", () => {
  it("carries project_id and reaches every former member's user: room (and the deleter's), not outsiders'", async () => {
    const p = await s.createProject(owner, { name: "Doomed" });
    await s.addMember(owner, p.id, member, "member");
    await s.addMember(owner, p.id, viewer, "viewer");
    const sockets = await Promise.all([owner, member, viewer, outsider].map((u) => s.connect({ auth: { token: u.token } })));
    const logs = sockets.map(record);
    const got = sockets.slice(0, 3).map((c) => nextEvent(c, "project.deleted", (e) => e.data.project_id === p.id));
    expect((await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: owner.token })).status).toBe(204);
    const events = await Promise.all(got);
    [owner, member, viewer].forEach((u, i) => {
      expect(events[i]!.room).toBe(`user:${u.id}`);
      expect(events[i]!.data).toEqual({ id: p.id, project_id: p.id, name: "Doomed", deleted_by: owner.id });
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(logs[3]!.filter((e) => e.name === "project.deleted")).toHaveLength(0);
    // Each member hears it once (they were in no project room).
    for (const l of logs.slice(0, 3)) expect(l.filter((e) => e.name === "project.deleted")).toHaveLength(1);
  });
});
