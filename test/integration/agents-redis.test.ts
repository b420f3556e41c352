// Agent presence and token revocation across two real processes (one PostgreSQL database, one Redis).
// Runs in the PostgreSQL leg (TEST_DB=postgres, TEST_REDIS=1), like redis.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nextEvent, record, type TestServer, type TestUser, startPair } from "../support/server";

const enabled = process.env.TEST_DB === "postgres" && !!process.env.TEST_REDIS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(enabled)("agents across two processes behind Redis", () => {
  let a: TestServer;
  let b: TestServer;
  let pair: Awaited<ReturnType<typeof startPair>>;
  let owner: TestUser;

  beforeAll(async () => {
    pair = await startPair();
    ({ a, b } = pair);
    owner = await a.createUser("Owner");
  }, 180_000);
  afterAll(async () => {
    await pair?.stop();
  });
  afterEach(() => {
    a.closeSockets();
    b.closeSockets();
  });

  it("an agent connected to both processes stays online until its last connection (on either) goes", async () => {
    const p = await a.createProject(owner);
    const t = await a.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "Twin", kind: "agent", project_ids: [p.id] } });
    expect(t.status).toBe(201);
    const agentId = t.body.agent_id as string;
    const w = await b.connect({ auth: { token: owner.token } });
    expect(await w.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "success" });
    const all = record(w);
    const log = { filter: (f: (e: any) => boolean) => all.filter((e) => e.payload?.room === `project:${p.id}`).filter(f) };
    const online = nextEvent(w, "agent.connected");
    const onA = await a.connect({ auth: { token: t.body.token } });
    await online;
    const onB = await b.connect({ auth: { token: t.body.token } });
    await sleep(800);
    expect((await a.request("GET", `/api/v1/agents/${agentId}`, { token: owner.token })).body).toMatchObject({ status: "online", connections: 2 });
    (onA.io as any).engine.close(); // abrupt drop on A: B still holds a connection
    await sleep(1500);
    expect(log.filter((e) => e.name === "agent.disconnected")).toEqual([]);
    expect((await b.request("GET", `/api/v1/agents/${agentId}`, { token: owner.token })).body).toMatchObject({ status: "online", connections: 1 });
    const off = nextEvent(w, "agent.disconnected");
    onB.disconnect();
    expect((await off).data).toMatchObject({ agent_id: agentId, status: "offline" });
    await sleep(500);
    expect(log.filter((e) => e.name === "agent.connected").length).toBe(1);
    expect(log.filter((e) => e.name === "agent.disconnected").length).toBe(1);
  });

  it("revoking a token through one process disconnects its sockets on the other", async () => {
    const t = await a.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "Shared", kind: "personal" } });
    const onB = await b.connect({ auth: { token: t.body.token } });
    const kicked = nextEvent(onB, "auth_error");
    const gone = new Promise<string>((resolve) => onB.once("disconnect", (r) => resolve(r)));
    expect((await a.request("DELETE", `/api/v1/tokens/${t.body.id}`, { token: owner.token })).status).toBe(204);
    expect((await kicked).data.code).toBe("AUTH_FAILED");
    expect(await gone).toBe("io server disconnect");
    expect((await b.request("GET", "/api/v1/me", { token: t.body.token })).status).toBe(401);
  });
});
