// Two real processes, one PostgreSQL database, one Redis: rooms, stats and replay span both.
// Runs in the PostgreSQL leg (TEST_DB=postgres, TEST_REDIS=1); `npm test` says loudly when it cannot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, nextEvent, startServer, type TestServer, type TestUser, startPair } from "../support/server";

const enabled = process.env.TEST_DB === "postgres" && !!process.env.TEST_REDIS;

describe.runIf(enabled)("two processes behind Redis", () => {
  let a: TestServer;
  let b: TestServer;
  let pair: Awaited<ReturnType<typeof startPair>>;
  let owner: TestUser;
  let member: TestUser;

  beforeAll(async () => {
    pair = await startPair();
    ({ a, b } = pair);
    owner = await a.createUser("Owner");
    member = await a.createUser("Member");
  }, 180_000);
  afterAll(async () => {
    await pair?.stop();
  });

  it("health reports Redis ok on both", async () => {
    for (const s of [a, b]) expect((await s.request("GET", "/api/health")).body).toEqual({ status: "ok", checks: { database: "ok", redis: "ok" } });
  });

  it("an event raised through one process reaches subscribers on both; stats sum both", async () => {
    const p = await a.createProject(owner);
    await a.addMember(owner, p.id, member, "member");
    const onA = await a.connect({ auth: { token: owner.token } });
    const onB = await b.connect({ auth: { token: member.token } });
    for (const c of [onA, onB]) expect(await c.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "success" });
    const got = [nextEvent(onA, "project.updated"), nextEvent(onB, "project.updated")];
    await b.request("PUT", `/api/v1/projects/${p.id}`, { token: member.token, body: { name: "Across processes" } });
    const [x, y] = await Promise.all(got);
    expect(y).toEqual(x);
    expect(x.data.name).toBe("Across processes");
    const stats = (await a.request("GET", "/api/v1/websocket/stats", { token: owner.token })).body;
    expect(stats.connections).toBe(2);
    expect(stats.rooms[`project:${p.id}`]).toBe(2);
  });

  it("a client that reconnects to the other process recovers what it missed with since", async () => {
    const p = await a.createProject(owner);
    const first = await a.connect({ auth: { token: owner.token } });
    await first.emitWithAck("subscribe", { project_id: p.id });
    const seen = nextEvent(first, "project.updated");
    await a.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { description: "seen" } });
    const last = (await seen).id;
    first.disconnect();
    for (let i = 0; i < 3; i++) await a.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { description: `missed ${i}` } });
    const other = await b.connect({ auth: { token: owner.token } });
    const events: any[] = [];
    other.on("project.updated", (e) => events.push(e));
    expect(await other.emitWithAck("subscribe", { project_id: p.id, since: last })).toMatchObject({ replayed: 3 });
    expect(events.map((e) => e.data.description)).toEqual(["missed 0", "missed 1", "missed 2"]);
  });
});

describe.runIf(enabled)("Redis goes away and comes back", () => {
  it("the process keeps serving its own clients, health says degraded, and recovers", async () => {
    const { spawn } = await import("node:child_process");
    const port = 20000 + Math.floor(Math.random() * 20000);
    const startRedis = () => spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    let redis = startRedis();
    await new Promise((r) => setTimeout(r, 300));
    const db = await createTestDatabase();
    const s = await startServer({ env: { REDIS_URL: `redis://127.0.0.1:${port}` }, databaseUrl: db.url });
    try {
      const u = await s.createUser();
      const p = await s.createProject(u);
      const c = await s.connect({ auth: { token: u.token } });
      await c.emitWithAck("subscribe", { project_id: p.id });
      redis.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 500));
      const health = await s.request("GET", "/api/health");
      expect(health.status).toBe(503);
      expect(health.body).toEqual({ status: "degraded", checks: { database: "ok", redis: "down" } });
      const got = nextEvent(c, "project.updated", () => true, 5000);
      const put = await s.request("PUT", `/api/v1/projects/${p.id}`, { token: u.token, body: { name: "while Redis is down" } });
      expect(put.status).toBe(200);
      expect((await got).data.name).toBe("while Redis is down");
      expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
      const stats = await s.request("GET", "/api/v1/websocket/stats", { token: u.token });
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({ connections: 1, partial: true });
      redis = startRedis();
      const deadline = Date.now() + 10_000;
      while ((await s.request("GET", "/api/health")).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect((await s.request("GET", "/api/health")).body.status).toBe("ok");
      const events = (await s.request("GET", `/api/v1/projects/${p.id}/events`, { token: u.token })).body.events;
      expect(events.map((e: any) => e.data.name)).toContain("while Redis is down"); // nothing persisted was lost
    } finally {
      await s.stop();
      redis.kill("SIGKILL");
      await db.drop();
    }
  }, 60_000);
});
