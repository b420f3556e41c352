// Attack 7 (issue #10): a removed member kept streaming workflow:<id> (and job:<id>) rooms after removal.
// Now removing a member (or lowering a role) re-checks every room of theirs that depends on membership —
// project:, workflow:, job:, agent: — on every process, and they leave those they may no longer join.
// Against a real server with real socket.io clients; the two-process case (shared Redis and PostgreSQL)
// runs in the PostgreSQL leg with TEST_REDIS=1 and is skipped otherwise, like scaleout.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { nextEvent, record, startServer, type TestServer, type TestUser, startPair } from "../support/server";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** A project with a workflow, an external test run (a job) and an agent; `victim` a member subscribed to all their rooms. */
async function setup(s: TestServer, owner: TestUser, victim: TestUser, role: "member" | "viewer" | "owner" = "member") {
  const p = await s.createProject(owner);
  await s.addMember(owner, p.id, victim, role);
  const w = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: owner.token, body: { name: "build" } });
  expect(w.status).toBe(201);
  const run = await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: owner.token, body: { source: "external" } });
  expect(run.status, JSON.stringify(run.body)).toBe(202);
  const agent = await s.request("POST", "/api/v1/agents", { token: owner.token, body: { name: "bot", project_ids: [p.id] } });
  expect(agent.status).toBe(201);
  const rooms = [`project:${p.id}`, `workflow:${w.body.id}`, `job:${run.body.job_id}`, `agent:${agent.body.id}`];
  return { projectId: p.id, workflowId: w.body.id as string, runId: run.body.test_run_id as string, jobId: run.body.job_id as string, rooms };
}

async function subscribeAll(c: Socket, rooms: string[]) {
  for (const room of rooms) expect(await c.emitWithAck("subscribe", { room }), room).toMatchObject({ status: "success" });
}

const roomsOf = async (c: Socket) => ((await c.emitWithAck("debug:rooms", {})) as { rooms: string[] }).rooms;

describe("one process", () => {
  let s: TestServer;
  let owner: TestUser;
  let victim: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    s = await startServer();
    admin = await s.createUser("Admin");
    owner = await s.createUser("Owner");
    victim = await s.createUser("Victim");
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });
  afterEach(() => s.closeSockets());

  it("attack 7: a removed member's sockets (JWT and personal token) leave project:, workflow:, job: and agent: rooms at once and get nothing more", async () => {
    const x = await setup(s, owner, victim);
    const pat = await s.request("POST", "/api/v1/tokens", { token: victim.token, body: { name: "cli", kind: "personal" } });
    const sockets = [await s.connect({ auth: { token: victim.token } }), await s.connect({ auth: { token: pat.body.token } })];
    for (const c of sockets) await subscribeAll(c, x.rooms);
    const watcher = await s.connect({ auth: { token: owner.token } });
    await subscribeAll(watcher, x.rooms);
    const logs = sockets.map((c) => record(c));

    const removed = nextEvent(sockets[0]!, "member.removed", (e) => e.room === `user:${victim.id}`);
    const del = await s.request("DELETE", `/api/v1/projects/${x.projectId}/members/${victim.id}`, { token: owner.token });
    expect(del.status).toBe(204);
    await removed; // they are told, in their own room
    for (const c of sockets) {
      const rooms = await roomsOf(c);
      expect(rooms).toContain(`user:${victim.id}`);
      for (const r of x.rooms) expect(rooms).not.toContain(r);
    }

    // What happens in those rooms afterwards never reaches them (the owner's socket sees it all).
    for (const l of logs) l.length = 0;
    const seen = Promise.all([
      nextEvent(watcher, "workflow.progress", (e) => e.room === `workflow:${x.workflowId}`),
      nextEvent(watcher, "test_result", (e) => e.room === `job:${x.jobId}`),
      nextEvent(watcher, "project.updated", (e) => e.room === `project:${x.projectId}`),
    ]);
    expect((await s.request("POST", `/api/v1/workflows/${x.workflowId}/progress`, { token: owner.token, body: { progress: 50, logs: ["secret step"] } })).status).toBe(200);
    expect((await s.request("POST", `/api/v1/test-runs/${x.runId}/results`, { token: owner.token, body: { results: [{ name: "t1", status: "passed" }] } })).status).toBe(202);
    expect((await s.request("PUT", `/api/v1/projects/${x.projectId}`, { token: owner.token, body: { description: "after removal" } })).status).toBe(200);
    await seen;
    await sleep(500);
    for (const l of logs) expect(l.filter((e) => e.name !== "member.removed").map((e) => `${e.name} ${e.payload?.room}`)).toEqual([]);
    // and they cannot come back
    for (const r of x.rooms) expect(await sockets[0]!.emitWithAck("subscribe", { room: r, since: "0" })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
  });

  it("lowering a role keeps the rooms a viewer may read (every room needs only viewer); removal after it still evicts", async () => {
    const x = await setup(s, owner, victim, "owner");
    const c = await s.connect({ auth: { token: victim.token } });
    await subscribeAll(c, x.rooms);
    const put = await s.request("PUT", `/api/v1/projects/${x.projectId}/members/${victim.id}`, { token: owner.token, body: { role: "viewer" } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.role).toBe("viewer");
    expect((await roomsOf(c)).sort()).toEqual(expect.arrayContaining(x.rooms));
    await s.request("DELETE", `/api/v1/projects/${x.projectId}/members/${victim.id}`, { token: owner.token });
    const after = await roomsOf(c);
    for (const r of x.rooms) expect(after).not.toContain(r);
  });

  it("an admin removed from a project keeps its rooms (admins see every project); a member leaving leaves them", async () => {
    const x = await setup(s, owner, admin);
    const a = await s.connect({ auth: { token: admin.token } });
    await subscribeAll(a, x.rooms);
    expect((await s.request("DELETE", `/api/v1/projects/${x.projectId}/members/${admin.id}`, { token: owner.token })).status).toBe(204);
    expect(await roomsOf(a)).toEqual(expect.arrayContaining(x.rooms));

    const y = await setup(s, owner, victim);
    const c = await s.connect({ auth: { token: victim.token } });
    await subscribeAll(c, y.rooms);
    expect((await s.request("DELETE", `/api/v1/projects/${y.projectId}/members/${victim.id}`, { token: victim.token })).status).toBe(204);
    for (const r of y.rooms) expect(await roomsOf(c)).not.toContain(r);
  });

  it("deleting a project empties its workflow and job rooms too", async () => {
    const x = await setup(s, owner, victim);
    const c = await s.connect({ auth: { token: victim.token } });
    await subscribeAll(c, x.rooms);
    expect((await s.request("DELETE", `/api/v1/projects/${x.projectId}`, { token: owner.token })).status).toBe(204);
    await until("the rooms are left", async () => {
      const rooms = await roomsOf(c);
      return !rooms.some((r) => r.startsWith("project:") || r === `workflow:${x.workflowId}` || r === `job:${x.jobId}`);
    });
  });
});

const usesPg = process.env.TEST_DB === "postgres";
const usesRedis = !!process.env.TEST_REDIS;
if (!usesPg || !usesRedis) {
  console.warn("\n!!! membership.test.ts two-process case SKIPPED: run with TEST_DB=postgres TEST_REDIS=1 (PostgreSQL on 127.0.0.1:5432, Redis) !!!\n");
}

describe.runIf(usesPg && usesRedis)("two processes sharing Redis and PostgreSQL", () => {
  let a: TestServer;
  let b: TestServer;
  let pair: Awaited<ReturnType<typeof startPair>>;
  let owner: TestUser;
  let victim: TestUser;

  beforeAll(async () => {
    pair = await startPair();
    ({ a, b } = pair);
    owner = await a.createUser("Owner");
    victim = await a.createUser("Victim");
  }, 180_000);
  afterAll(async () => {
    await pair?.stop();
  });

  it("attack 7 across processes: removal through A takes the member's socket on B out of every room; B's socket gets nothing more", async () => {
    const x = await setup(a, owner, victim);
    const onB = await b.connect({ auth: { token: victim.token } });
    const onA = await a.connect({ auth: { token: victim.token } });
    for (const c of [onB, onA]) await subscribeAll(c, x.rooms);
    const watcher = await b.connect({ auth: { token: owner.token } });
    await subscribeAll(watcher, x.rooms);
    const logs = [record(onB), record(onA)];

    expect((await a.request("DELETE", `/api/v1/projects/${x.projectId}/members/${victim.id}`, { token: owner.token })).status).toBe(204);
    // The answer comes once every process has let the sockets go.
    for (const c of [onB, onA]) {
      const rooms = await roomsOf(c);
      for (const r of x.rooms) expect(rooms).not.toContain(r);
    }
    for (const l of logs) l.length = 0;
    const seen = Promise.all([
      nextEvent(watcher, "workflow.progress", (e) => e.room === `workflow:${x.workflowId}`),
      nextEvent(watcher, "test_result", (e) => e.room === `job:${x.jobId}`),
    ]);
    await a.request("POST", `/api/v1/workflows/${x.workflowId}/progress`, { token: owner.token, body: { progress: 60 } });
    await b.request("POST", `/api/v1/test-runs/${x.runId}/results`, { token: owner.token, body: { results: [{ name: "t", status: "passed" }] } });
    await seen;
    await sleep(800);
    for (const l of logs) expect(l.map((e) => `${e.name} ${e.payload?.room}`)).toEqual([]);
  });
});
