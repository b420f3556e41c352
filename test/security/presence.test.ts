// Attack 3 (issue #10): agent:status accepted 200 KB of metadata, merged it into the stored agent and fanned
// it out to `global`: a user who shared no project saw events naming another team's agent and its metadata,
// and could replay them with subscribe {room: "global", since: "0"}. Now presence reaches only the agent's own
// room and its projects' rooms, agent:<id> is for those who share a project with it, metadata is capped and
// replaced. Real server, real socket.io clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let admin: TestUser;
let owner: TestUser;
let teammate: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  s = await startServer();
  admin = await s.createUser("Admin");
  owner = await s.createUser("Owner");
  teammate = await s.createUser("Teammate");
  stranger = await s.createUser("Stranger"); // shares no project with the agent
}, 120_000);
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function agentOfTeam() {
  const p = await s.createProject(owner, { name: "Team A" });
  await s.addMember(owner, p.id, teammate, "viewer");
  const t = await s.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "Secret bot", kind: "agent", project_ids: [p.id] } });
  expect(t.status).toBe(201);
  return { projectId: p.id, agentId: t.body.agent_id as string, token: t.body.token as string };
}

describe("attack 3: presence visible only to those who share a project", () => {
  it("a user who shares no project sees nothing of the agent, live or replayed from global; teammates do", async () => {
    const spy = await s.connect({ auth: { token: stranger.token } });
    const spied = record(spy);
    const mate = await s.connect({ auth: { token: teammate.token } });
    const { projectId, agentId, token } = await agentOfTeam();
    expect(await mate.emitWithAck("subscribe", { project_id: projectId })).toMatchObject({ status: "success" });
    expect(await mate.emitWithAck("subscribe", { room: `agent:${agentId}` })).toMatchObject({ status: "success" });
    const mateLog = record(mate);

    const online = nextEvent(mate, "agent.connected", (e) => e.room === `project:${projectId}`);
    const bot = await s.connect({ auth: { token } });
    await online;
    const busy = nextEvent(mate, "agent.status_changed", (e) => e.data.status === "busy" && e.room === `agent:${agentId}`);
    expect(await bot.emitWithAck("agent:status", { status: "busy", metadata: { repo: "acme/private", task: "review #12" } })).toMatchObject({ status: "success" });
    expect((await busy).data.metadata).toEqual({ repo: "acme/private", task: "review #12" });
    const off = nextEvent(mate, "agent.disconnected", (e) => e.room === `project:${projectId}`);
    bot.disconnect();
    await off;
    await sleep(500);

    // The teammate got it in the agent's room and the project's room, nowhere else.
    const rooms = new Set(mateLog.filter((e) => e.name.startsWith("agent.")).map((e) => e.payload.room));
    expect([...rooms].sort()).toEqual([`agent:${agentId}`, `project:${projectId}`].sort());
    // The stranger (in `global` since connecting) got nothing about it.
    expect(spied.filter((e) => JSON.stringify(e.payload ?? "").includes(agentId))).toEqual([]);
    expect(spied.filter((e) => e.name.startsWith("agent"))).toEqual([]);
    // Nor can they replay it from global.
    const replay = record(spy);
    expect(await spy.emitWithAck("subscribe", { room: "global", since: "0" })).toMatchObject({ status: "success", room: "global", replayed: 0, reset: false });
    expect(replay.filter((e) => e.name.startsWith("agent"))).toEqual([]);
    // Nor join the agent's room, nor see it over REST.
    expect(await spy.emitWithAck("subscribe", { room: `agent:${agentId}`, since: "0" })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    expect((await s.request("GET", `/api/v1/agents/${agentId}`, { token: stranger.token })).status).toBe(404);
    expect((await s.request("GET", "/api/v1/agents", { token: stranger.token })).body.agents.map((a: any) => a.id)).not.toContain(agentId);
  });

  it("agent:<id> is joinable by the agent itself, its creator, teammates and admins; unknown agents are refused", async () => {
    const { agentId, token } = await agentOfTeam();
    for (const bearer of [token, owner.token, teammate.token, admin.token]) {
      const c = await s.connect({ auth: { token: bearer } });
      expect(await c.emitWithAck("subscribe", { room: `agent:${agentId}`, since: "0" })).toMatchObject({ status: "success" });
    }
    const c = await s.connect({ auth: { token: owner.token } });
    for (const unknown of ["6a6212ca-629a-4e06-b14b-34d2e35c2057", "00000000-0000-0000-0000-000000000000"]) {
      expect(await c.emitWithAck("subscribe", { room: `agent:${unknown}` })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    }
    expect(await c.emitWithAck("debug:rooms", {})).toEqual({ rooms: expect.not.arrayContaining(["agent:6a6212ca-629a-4e06-b14b-34d2e35c2057"]) });
  });

  it("metadata over 4 KB (200 KB in the attack) is refused with a clear error and nothing is stored or sent", async () => {
    const { projectId, agentId, token } = await agentOfTeam();
    const mate = await s.connect({ auth: { token: teammate.token } });
    await mate.emitWithAck("subscribe", { project_id: projectId });
    const bot = await s.connect({ auth: { token } });
    await sleep(300);
    const seen = record(mate);
    const huge = { blob: "x".repeat(200_000) };
    const ack = await bot.emitWithAck("agent:status", { status: "busy", metadata: huge });
    expect(ack).toMatchObject({ status: "error", code: "VALIDATION_FAILED", message: expect.stringMatching(/metadata is \d+ bytes as JSON; at most 4096/) });
    expect(ack.details).toEqual([{ field: "metadata", message: expect.stringContaining("4096") }]);
    const rest = await s.request("PUT", `/api/v1/agents/${agentId}/status`, { token, body: { status: "busy", metadata: { blob: "y".repeat(5000) } } });
    expect(rest.status).toBe(400);
    expect(rest.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: [{ field: "metadata", message: expect.any(String) }] });
    // just under the cap is fine
    const fits = { blob: "z".repeat(4000) };
    expect(await bot.emitWithAck("agent:status", { status: "busy", metadata: fits })).toMatchObject({ status: "success" });
    await sleep(300);
    expect(seen.filter((e) => e.name === "agent.status_changed").every((e) => JSON.stringify(e.payload).length < 6000)).toBe(true);
    const shown = (await s.request("GET", `/api/v1/agents/${agentId}`, { token: owner.token })).body;
    expect(shown.metadata).toEqual(fits);
  });

  it("metadata is replaced, not merged; leaving it out keeps it; availability is kept apart", async () => {
    const { agentId, token } = await agentOfTeam();
    const bot = await s.connect({ auth: { token } });
    expect(await bot.emitWithAck("agent:status", { status: "busy", availability: 30, metadata: { a: 1, keep: "no" } })).toMatchObject({ status: "success" });
    expect(await bot.emitWithAck("agent:status", { status: "idle", metadata: { b: 2 } })).toMatchObject({ status: "success" });
    let shown = (await s.request("GET", `/api/v1/agents/${agentId}`, { token: owner.token })).body;
    expect(shown).toMatchObject({ status: "idle", availability: 30, metadata: { b: 2 } });
    expect(await bot.emitWithAck("agent:status", { status: "busy" })).toMatchObject({ status: "success" });
    shown = (await s.request("GET", `/api/v1/agents/${agentId}`, { token: owner.token })).body;
    expect(shown).toMatchObject({ status: "busy", availability: 30, metadata: { b: 2 } });
    // many reports never grow the stored metadata past the cap
    for (let i = 0; i < 20; i++) await bot.emitWithAck("agent:status", { status: "busy", metadata: { [`k${i}`]: "v".repeat(3000) } });
    shown = (await s.request("GET", `/api/v1/agents/${agentId}`, { token: owner.token })).body;
    expect(Object.keys(shown.metadata)).toEqual(["k19"]);
  });
});
