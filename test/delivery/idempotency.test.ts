// Issue 17, deliverable 2: idempotent publishes. A retried agent:event (socket) or mutating REST call with the
// same key gets the first result and publishes nothing new; the same key for another request is refused;
// keys are per caller. With TEST_DB=postgres TEST_REDIS=1, also across two processes sharing the database.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { record, startPair, startServer, type TestServer, type TestUser } from "../support/server";
import { agentWithToken, projectEvents, sleep, startWorkflow, until } from "./helpers";

const usesPg = process.env.TEST_DB === "postgres";
const usesRedis = !!process.env.TEST_REDIS;

describe("one process", () => {
  let s: TestServer;
  let owner: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    s = await startServer({ env: { RATE_LIMIT_REST_PER_MINUTE: "100000" } });
    owner = await s.createUser("Owner");
    other = await s.createUser("Other");
  });
  afterAll(async () => {
    await s?.stop();
  });
  afterEach(() => s.closeSockets());

  it("a retried agent:event with the same key creates one event and gets the first ack; another payload under it is refused", async () => {
    const p = await s.createProject(owner);
    const wf = await startWorkflow(s, owner, p.id);
    const bot = await agentWithToken(s, owner, [p.id]);
    const watcher = await s.connect({ auth: { token: owner.token } });
    expect(await watcher.emitWithAck("subscribe", { room: `workflow:${wf}` })).toMatchObject({ status: "success" });
    const seen = record(watcher);
    const agent = await s.connect({ auth: { token: bot.token } });
    const cmd = { type: "agent:thought", workflow_id: wf, data: { content: "thinking once" }, idempotency_key: "evt-1" };
    const first = await agent.emitWithAck("agent:event", cmd);
    expect(first).toEqual({ status: "success", id: expect.stringMatching(/^\d+$/) });
    // The retry (e.g. after an ack timeout), also on a fresh connection, and with the keys in another order.
    expect(await agent.emitWithAck("agent:event", cmd)).toEqual(first);
    const again = await s.connect({ auth: { token: bot.token } });
    expect(await again.emitWithAck("agent:event", { idempotency_key: "evt-1", data: { content: "thinking once" }, workflow_id: wf, type: "agent:thought" })).toEqual(first);
    // Concurrent duplicates: all answered with the one event.
    const burst = await Promise.all([1, 2, 3].map(() => again.emitWithAck("agent:event", cmd)));
    expect(burst).toEqual([first, first, first]);
    expect(await agent.emitWithAck("agent:event", { ...cmd, data: { content: "something else" } })).toMatchObject({ status: "error", code: "IDEMPOTENCY_KEY_REUSED" });
    await sleep(300);
    const thoughts = (await projectEvents(s, owner, p.id)).filter((e) => e.type === "agent:thought");
    expect(thoughts.map((e) => e.id)).toEqual([first.id]);
    expect(seen.filter((e) => e.name === "agent:thought")).toHaveLength(1);
    // A new key is a new event; a key that is not printable or too long is refused.
    const second = await agent.emitWithAck("agent:event", { ...cmd, idempotency_key: "evt-2" });
    expect(second.id).not.toEqual(first.id);
    expect(await agent.emitWithAck("agent:event", { ...cmd, idempotency_key: "x".repeat(201) })).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    expect(await agent.emitWithAck("agent:event", { ...cmd, idempotency_key: "bad\nkey" })).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    // Without a key, every call publishes (at-least-once; the id is the dedupe handle).
    const a = await agent.emitWithAck("agent:event", { type: "agent:thought", workflow_id: wf, data: { content: "no key" } });
    const b = await agent.emitWithAck("agent:event", { type: "agent:thought", workflow_id: wf, data: { content: "no key" } });
    expect(a.id).not.toEqual(b.id);
  });

  it("REST: a repeat with the same Idempotency-Key returns the first response (status and body) and creates nothing; another body → 422", async () => {
    const key = `create-${randomBytes(4).toString("hex")}`;
    const body = { name: `Idem ${key}` };
    const r1 = await s.request("POST", "/api/v1/projects", { token: owner.token, body, headers: { "Idempotency-Key": key } });
    expect(r1.status).toBe(201);
    const r2 = await s.request("POST", "/api/v1/projects", { token: owner.token, body, headers: { "Idempotency-Key": key } });
    expect(r2.status).toBe(201);
    expect(r2.body).toEqual(r1.body);
    expect(r2.headers.get("idempotent-replayed")).toBe("true");
    const list = await s.request("GET", "/api/v1/projects", { token: owner.token });
    const items = (Array.isArray(list.body) ? list.body : (list.body.projects ?? list.body.items)) as { name: string }[];
    expect(items.filter((x) => x.name === body.name)).toHaveLength(1);
    const r3 = await s.request("POST", "/api/v1/projects", { token: owner.token, body: { name: "Something else" }, headers: { "Idempotency-Key": key } });
    expect(r3.status).toBe(422);
    expect(r3.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    // The same key on another route is another request too.
    const r4 = await s.request("PUT", `/api/v1/projects/${r1.body.id}`, { token: owner.token, body: { description: "x" }, headers: { "Idempotency-Key": key } });
    expect(r4.status).toBe(422);
    // Keys are per caller: another user's same key is theirs, and never reads the first caller's response.
    const o = await s.request("POST", "/api/v1/projects", { token: other.token, body, headers: { "Idempotency-Key": key } });
    expect(o.status).toBe(201);
    expect(o.body.id).not.toEqual(r1.body.id);
    expect(o.headers.get("idempotent-replayed")).toBeNull();
    // Bad keys: 400 in the contract's shape.
    const bad = await s.request("POST", "/api/v1/projects", { token: owner.token, body, headers: { "Idempotency-Key": "k".repeat(201) } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: [{ field: "Idempotency-Key" }] });
  });

  it("REST: workflow progress and complete repeated with a key publish once; error answers are replayed too", async () => {
    const p = await s.createProject(owner);
    const wf = await startWorkflow(s, owner, p.id);
    const h = { "Idempotency-Key": `progress-${wf}` };
    const results = await Promise.all([1, 2, 3].map(() => s.request("POST", `/api/v1/workflows/${wf}/progress`, { token: owner.token, body: { progress: 40, logs: ["step"] }, headers: h })));
    for (const r of results) {
      // A concurrent duplicate waits for the first (or, if that takes too long, gets 409 IDEMPOTENCY_IN_PROGRESS).
      if (r.status === 409) expect(r.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
      else expect(r.status).toBe(200);
    }
    const ch = { "Idempotency-Key": `complete-${wf}` };
    const c1 = await s.request("POST", `/api/v1/workflows/${wf}/complete`, { token: owner.token, body: { result: { ok: true } }, headers: ch });
    expect(c1.status).toBe(200);
    const c2 = await s.request("POST", `/api/v1/workflows/${wf}/complete`, { token: owner.token, body: { result: { ok: true } }, headers: ch });
    expect(c2).toMatchObject({ status: 200, body: c1.body });
    await sleep(300);
    const evs = await projectEvents(s, owner, p.id);
    expect(evs.filter((e) => e.type === "workflow.progress")).toHaveLength(1);
    expect(evs.filter((e) => e.type === "workflow.completed")).toHaveLength(1);
    // A 4xx is a final answer: the same request with the same key gets it again without running.
    const fh = { "Idempotency-Key": `fail-after-complete-${wf}` };
    const f1 = await s.request("POST", `/api/v1/workflows/${wf}/fail`, { token: owner.token, body: { error: "late" }, headers: fh });
    const f2 = await s.request("POST", `/api/v1/workflows/${wf}/fail`, { token: owner.token, body: { error: "late" }, headers: fh });
    expect(f2.status).toBe(f1.status);
    expect(f2.body).toEqual(f1.body);
  });
});

describe("the window", () => {
  let s: TestServer;
  let owner: TestUser;

  beforeAll(async () => {
    s = await startServer({ env: { IDEMPOTENCY_WINDOW_MS: "1500", EVENT_RETENTION_INTERVAL_SECONDS: "1", RATE_LIMIT_REST_PER_MINUTE: "100000" } });
    owner = await s.createUser("Owner");
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("after IDEMPOTENCY_WINDOW_MS the key acts again, and the retention job removes expired keys", async () => {
    const body = { name: "Windowed" };
    const h = { "Idempotency-Key": "window-1" };
    const r1 = await s.request("POST", "/api/v1/projects", { token: owner.token, body, headers: h });
    const r2 = await s.request("POST", "/api/v1/projects", { token: owner.token, body, headers: h });
    expect(r2.body.id).toEqual(r1.body.id);
    await until("the retention job removed the expired key", () => s.logs.some((l) => /\[retention\].* [1-9]\d* expired idempotency key/.test(l)), 15_000);
    const r3 = await s.request("POST", "/api/v1/projects", { token: owner.token, body, headers: h });
    expect(r3.status).toBe(201);
    expect(r3.body.id).not.toEqual(r1.body.id);
    expect(r3.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe.runIf(usesPg && usesRedis)("two processes sharing PostgreSQL and Redis", () => {
  let a: TestServer;
  let b: TestServer;
  let pair: Awaited<ReturnType<typeof startPair>>;
  let owner: TestUser;

  beforeAll(async () => {
    pair = await startPair({ RATE_LIMIT_REST_PER_MINUTE: "100000" });
    ({ a, b } = pair);
    owner = await a.createUser("Owner");
  }, 180_000);
  afterAll(async () => {
    await pair?.stop();
  });

  it("an agent:event retried on the other process with the same key creates one event", async () => {
    const p = await a.createProject(owner);
    const wf = await startWorkflow(a, owner, p.id);
    const bot = await agentWithToken(a, owner, [p.id]);
    const watcher = await b.connect({ auth: { token: owner.token } });
    await watcher.emitWithAck("subscribe", { room: `workflow:${wf}` });
    const seen = record(watcher);
    const cmd = { type: "agent:thought", workflow_id: wf, data: { content: "across" }, idempotency_key: "cross-1" };
    const onA = await a.connect({ auth: { token: bot.token } });
    const onB = await b.connect({ auth: { token: bot.token } });
    // At once on both processes, then again on each.
    const [x, y] = await Promise.all([onA.emitWithAck("agent:event", cmd), onB.emitWithAck("agent:event", cmd)]);
    expect(x).toMatchObject({ status: "success" });
    expect(y).toEqual(x);
    expect(await onB.emitWithAck("agent:event", cmd)).toEqual(x);
    expect(await onA.emitWithAck("agent:event", cmd)).toEqual(x);
    // REST on B with a key first used over REST on A.
    const h = { "Idempotency-Key": `rest-cross-${wf}` };
    const r1 = await a.request("POST", `/api/v1/workflows/${wf}/events`, { token: bot.token, body: { type: "agent:thought", data: { content: "rest across" } }, headers: h });
    const r2 = await b.request("POST", `/api/v1/workflows/${wf}/events`, { token: bot.token, body: { type: "agent:thought", data: { content: "rest across" } }, headers: h });
    expect(r1.status).toBe(202);
    expect(r2).toMatchObject({ status: 202, body: r1.body });
    await sleep(500);
    const thoughts = (await projectEvents(b, owner, p.id)).filter((e) => e.type === "agent:thought");
    expect(thoughts.map((e) => e.id)).toEqual([x.id, r1.body.id]);
    expect(seen.filter((e) => e.name === "agent:thought")).toHaveLength(2);
  });
});
