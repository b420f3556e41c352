// Agents against a real server: registration, presence across connections (and abrupt drops), agent:status,
// agent:event / REST events (validation, scope, server stamping) and secret redaction of what agents report.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, nextEvent, record, startServer, testsUsePostgres, type TestServer, type TestUser } from "../support/server";
import { FakeOpenAI } from "../support/fake-openai";

let s: TestServer;
let fake: FakeOpenAI;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  fake = await new FakeOpenAI().start();
  s = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", LLM_TIMEOUT_MS: "3000" } });
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  outsider = await s.createUser("Outsider");
});
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});
afterEach(() => s.closeSockets());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function project() {
  const p = await s.createProject(owner);
  await s.addMember(owner, p.id, member, "member");
  return p;
}

async function agentWithToken(user: TestUser, projectIds: string[], name = "Bot") {
  const a = await s.request("POST", "/api/v1/agents", { token: user.token, body: { name, kind: "reviewer", project_ids: projectIds } });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  const t = await s.request("POST", "/api/v1/tokens", { token: user.token, body: { name: `${name} token`, kind: "agent", agent_id: a.body.id } });
  expect(t.status).toBe(201);
  return { agent: a.body, token: t.body.token as string, tokenId: t.body.id as string };
}

async function watch(user: TestUser, ...roomNames: string[]): Promise<Socket> {
  const c = await s.connect({ auth: { token: user.token } });
  for (const room of roomNames) expect(await c.emitWithAck("subscribe", { room })).toMatchObject({ status: "success" });
  return c;
}

/** A workflow in the project, made by the built-in vibecode agent (the fake model answers). */
async function workflow(projectId: string): Promise<string> {
  const w = await watch(owner, `project:${projectId}`);
  const started = nextEvent(w, "workflow.started");
  const done = nextEvent(w, "workflow.completed", () => true, 30_000);
  const session = await s.request("POST", `/api/v1/projects/${projectId}/sessions`, { token: owner.token });
  await s.request("POST", `/api/v1/sessions/${session.body.session_id}/messages`, { token: owner.token, body: { prompt: "Add a greeting to the README" } });
  const id = (await started).data.workflow_id as string;
  await done;
  w.disconnect();
  return id;
}

describe("registering agents", () => {
  it("creates, lists, shows and deletes agents; visibility follows the projects", async () => {
    const p = await project();
    const r = await s.request("POST", "/api/v1/agents", { token: member.token, body: { name: "Linter", kind: "linter", project_ids: [p.id] } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "Linter",
      kind: "linter",
      project_ids: [p.id],
      status: "offline",
      availability: null,
      metadata: {},
      last_seen_at: null,
      connections: 0,
      created_by: member.id,
      created_at: expect.any(String),
    });
    const id = r.body.id;
    for (const u of [owner, member]) {
      expect((await s.request("GET", "/api/v1/agents", { token: u.token })).body.agents.map((a: any) => a.id)).toContain(id);
      expect((await s.request("GET", `/api/v1/agents/${id}`, { token: u.token })).status).toBe(200);
    }
    expect((await s.request("GET", `/api/v1/projects/${p.id}/agents`, { token: member.token })).body.agents.map((a: any) => a.id)).toEqual([id]);
    // an outsider sees neither the agent nor the project's agents
    expect((await s.request("GET", "/api/v1/agents", { token: outsider.token })).body.agents.map((a: any) => a.id)).not.toContain(id);
    expect((await s.request("GET", `/api/v1/agents/${id}`, { token: outsider.token })).status).toBe(404);
    expect((await s.request("GET", `/api/v1/projects/${p.id}/agents`, { token: outsider.token })).status).toBe(404);
    expect((await s.request("DELETE", `/api/v1/agents/${id}`, { token: outsider.token })).status).toBe(404);
    // another member cannot delete it; its creator can (the owner is admin here, so use a second member)
    const other = await s.createUser("Other");
    await s.addMember(owner, p.id, other, "member");
    const denied = await s.request("DELETE", `/api/v1/agents/${id}`, { token: other.token });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("FORBIDDEN");
    expect((await s.request("DELETE", `/api/v1/agents/${id}`, { token: member.token })).status).toBe(204);
    expect((await s.request("GET", `/api/v1/agents/${id}`, { token: member.token })).status).toBe(404);
  });

  it.each([
    [{ kind: "x", project_ids: [] }],
    [{ name: "", project_ids: [] }],
    [{ name: "x", project_ids: ["nope"] }],
    [{ name: "x", project_ids: "all" }],
    [{ name: 5 }],
  ])("refuses %j with VALIDATION_FAILED", async (body) => {
    const r = await s.request("POST", "/api/v1/agents", { token: member.token, body });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("refuses projects the caller is not a member of, unknown ids, and agent tokens registering agents", async () => {
    const p = await project();
    const r = await s.request("POST", "/api/v1/agents", { token: outsider.token, body: { name: "x", project_ids: [p.id] } });
    expect(r.status).toBe(400);
    for (const bad of ["not-a-uuid", "6a6212ca-629a-4e06-b14b-34d2e35c2057"]) {
      expect((await s.request("GET", `/api/v1/agents/${bad}`, { token: member.token })).status).toBe(404);
      expect((await s.request("DELETE", `/api/v1/agents/${bad}`, { token: member.token })).status).toBe(404);
    }
    const { token } = await agentWithToken(member, [p.id]);
    const again = await s.request("POST", "/api/v1/agents", { token, body: { name: "child", project_ids: [] } });
    expect(again.status).toBe(403);
  });
});

describe("presence", () => {
  it("first connection announces online, the last disconnection (even abrupt) offline, to the agent and project rooms (never global)", async () => {
    const p = await project();
    const { agent, token } = await agentWithToken(member, [p.id], "Presence bot");
    const w = await watch(owner, `agent:${agent.id}`, `project:${p.id}`, "global");
    const log = record(w);
    const connected = nextEvent(w, "agent.connected", (e) => e.room === `project:${p.id}`);
    const one = await s.connect({ auth: { token } });
    const env = await connected;
    expect(env).toMatchObject({ type: "agent.connected", source: "agent_service", room: `project:${p.id}` });
    expect(env.data).toMatchObject({ agent_id: agent.id, agent_name: "Presence bot", status: "online", project_ids: [p.id], last_seen_at: expect.any(String) });
    await sleep(300);
    const rooms = (t: string) => log.filter((e) => e.name === t).map((e) => e.payload.room).sort();
    expect(rooms("agent.connected")).toEqual([`agent:${agent.id}`, `project:${p.id}`].sort());
    expect(log.filter((e) => e.name === "agent.status_changed" && e.payload.data.status === "online").length).toBe(2);

    // a second connection: no new announcement, two connections
    const two = await s.connect({ auth: { token } });
    await sleep(500);
    expect(log.filter((e) => e.name === "agent.connected").length).toBe(2);
    const shown = await s.request("GET", `/api/v1/agents/${agent.id}`, { token: owner.token });
    expect(shown.body).toMatchObject({ status: "online", connections: 2 });
    const forProject = await s.request("GET", `/api/v1/projects/${p.id}/agents`, { token: member.token });
    expect(forProject.body.agents).toEqual([expect.objectContaining({ id: agent.id, status: "online", connections: 2 })]);

    // one goes (cleanly): still online
    one.disconnect();
    await sleep(500);
    expect(log.filter((e) => e.name === "agent.disconnected").length).toBe(0);
    // the last one drops abruptly (transport closed without a disconnect packet)
    const disconnected = nextEvent(w, "agent.disconnected", (e) => e.room === `agent:${agent.id}`);
    (two.io as any).engine.close();
    const gone = await disconnected;
    expect(gone.data).toMatchObject({ agent_id: agent.id, status: "offline", connections: 0 });
    await sleep(300);
    expect(rooms("agent.disconnected")).toEqual([`agent:${agent.id}`, `project:${p.id}`].sort());
    const after = await s.request("GET", `/api/v1/agents/${agent.id}`, { token: owner.token });
    expect(after.body).toMatchObject({ status: "offline", connections: 0, last_seen_at: expect.any(String) });
  });

  it("agent:status reports busy/idle with availability and metadata (agent tokens only)", async () => {
    const p = await project();
    const { agent, token } = await agentWithToken(member, [p.id]);
    const w = await watch(member, `project:${p.id}`);
    const c = await s.connect({ auth: { token } });
    await nextEvent(w, "agent.connected");
    const busy = nextEvent(w, "agent.status_changed", (e) => e.data.status === "busy");
    const ack = await c.emitWithAck("agent:status", { status: "busy", availability: 40, metadata: { version: "1.2", cpu_usage: 45.2 } });
    expect(ack).toEqual({ status: "success", agent_id: agent.id, agent_status: "busy" });
    expect((await busy).data).toMatchObject({ agent_id: agent.id, status: "busy", availability: 40, metadata: { version: "1.2", cpu_usage: 45.2 } });
    expect((await s.request("GET", `/api/v1/agents/${agent.id}`, { token: member.token })).body).toMatchObject({ status: "busy", availability: 40 });
    // REST form of the same (extension)
    const idle = await s.request("PUT", `/api/v1/agents/${agent.id}/status`, { token, body: { status: "idle" } });
    expect(idle.status).toBe(200);
    expect(idle.body).toMatchObject({ status: "idle", availability: 40, metadata: { version: "1.2" } });
    expect((await s.request("PUT", `/api/v1/agents/${agent.id}/status`, { token: member.token, body: { status: "idle" } })).status).toBe(403);
    // refusals
    expect(await c.emitWithAck("agent:status", { status: "offline" })).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    expect(await c.emitWithAck("agent:status", { status: "busy", availability: 101 })).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    const human = await s.connect({ auth: { token: member.token } });
    expect(await human.emitWithAck("agent:status", { status: "busy" })).toMatchObject({ status: "error", code: "FORBIDDEN" });
    // a busy agent that drops goes offline
    const off = nextEvent(w, "agent.disconnected");
    c.disconnect();
    expect((await off).data.status).toBe("offline");
  });

  it("deleting an agent disconnects its sockets with AUTH_FAILED and announces it offline", async () => {
    const p = await project();
    const { agent, token } = await agentWithToken(member, [p.id]);
    const w = await watch(member, `project:${p.id}`);
    const c = await s.connect({ auth: { token } });
    await nextEvent(w, "agent.connected");
    const kicked = nextEvent(c, "auth_error");
    const off = nextEvent(w, "agent.disconnected");
    expect((await s.request("DELETE", `/api/v1/agents/${agent.id}`, { token: member.token })).status).toBe(204);
    expect((await kicked).data.code).toBe("AUTH_FAILED");
    expect((await off).data).toMatchObject({ agent_id: agent.id, status: "offline" });
    expect((await s.request("GET", "/api/v1/me", { token })).status).toBe(401);
  });
});

describe("agent work events", () => {
  let p: { id: string };
  let wf: string;
  let bot: Awaited<ReturnType<typeof agentWithToken>>;

  beforeAll(async () => {
    p = await project();
    wf = await workflow(p.id);
    bot = await agentWithToken(member, [p.id], "Worker");
  }, 60_000);

  it("agent:event is stamped by the server and reaches the project and workflow rooms; spoofed fields are ignored", async () => {
    const w = await watch(owner, `project:${p.id}`, `workflow:${wf}`);
    const inProject = nextEvent(w, "agent:thought", (e) => e.room === `project:${p.id}`);
    const inWorkflow = nextEvent(w, "agent:thought", (e) => e.room === `workflow:${wf}`);
    const c = await s.connect({ auth: { token: bot.token } });
    const ack = await c.emitWithAck("agent:event", {
      type: "agent:thought",
      workflow_id: wf,
      timestamp: "2000-01-01T00:00:00.000Z",
      source: "spoofed",
      data: { content: "Looking at the diff", timestamp: "2000-01-01T00:00:00.000Z", source: "spoofed", agent_id: "evil", workflow_id: "evil" },
    });
    expect(ack).toEqual({ status: "success", id: expect.stringMatching(/^\d+$/) });
    const [a, b] = await Promise.all([inProject, inWorkflow]);
    expect(a).toEqual({
      id: ack.id,
      type: "agent:thought",
      timestamp: expect.any(String),
      source: `agent:${bot.agent.id}`,
      room: `project:${p.id}`,
      // The workflow's trace (here the prompt's that started it; issue #16).
      trace_id: (await s.request("GET", `/api/v1/workflows/${wf}`, { token: owner.token })).body.trace_id,
      data: { content: "Looking at the diff", workflow_id: wf, agent_id: bot.agent.id },
    });
    expect(Math.abs(new Date(a.timestamp).getTime() - Date.now())).toBeLessThan(60_000);
    expect(b).toMatchObject({ room: `workflow:${wf}`, source: `agent:${bot.agent.id}`, data: a.data });

    // every type with its seed shape
    for (const [type, data] of [
      ["agent:tool_call", { tool_name: "run_tests", status: "in_progress", message: "Running", arguments: { path: "." } }],
      ["agent:result", { status: "success", content_type: "text", content: "All good" }],
      ["agent:error", { code: "GENERATION_FAILED", message: "Failed", details: {} }],
    ] as const) {
      const got = nextEvent(w, type, (e) => e.room === `project:${p.id}`);
      expect(await c.emitWithAck("agent:event", { type, workflow_id: wf, data })).toMatchObject({ status: "success" });
      expect((await got).data).toEqual({ ...data, workflow_id: wf, agent_id: bot.agent.id });
    }
  });

  it.each([
    [{ type: "agent:thought", workflow_id: "W", data: {} }, "data.content"],
    [{ type: "agent:thought", workflow_id: "W", data: { content: 5 } }, "data.content"],
    [{ type: "agent:tool_call", workflow_id: "W", data: { tool_name: "x" } }, "data.status"],
    [{ type: "agent:result", workflow_id: "W", data: { status: "success", content_type: "text" } }, "data.content"],
    [{ type: "agent:error", workflow_id: "W", data: { message: "m" } }, "data.code"],
    [{ type: "agent:plan", workflow_id: "W", data: {} }, "type"],
    [{ type: "agent:thought", data: { content: "x" } }, "workflow_id"],
    [{ type: "agent:thought", workflow_id: "W", data: "text" }, "data"],
    [{ type: "agent:thought", workflow_id: "not-a-uuid", data: { content: "x" } }, "workflow_id"],
    [{ type: "agent:thought", workflow_id: "6a6212ca-629a-4e06-b14b-34d2e35c2057", data: { content: "x" } }, "workflow_id"],
  ])("refuses %j with VALIDATION_FAILED", async (payload, field) => {
    const c = await s.connect({ auth: { token: bot.token } });
    const p2 = JSON.parse(JSON.stringify(payload).replace('"W"', JSON.stringify(wf)));
    const ack = await c.emitWithAck("agent:event", p2);
    expect(ack).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    expect(JSON.stringify(ack.details)).toContain(field);
  });

  it("refuses non-agent credentials (JWT, cookie-less personal token) with FORBIDDEN, and workflows outside the agent's projects", async () => {
    const jwt = await s.connect({ auth: { token: owner.token } });
    expect(await jwt.emitWithAck("agent:event", { type: "agent:thought", workflow_id: wf, data: { content: "x" } })).toMatchObject({ status: "error", code: "FORBIDDEN" });
    const pat = await s.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "pat", kind: "personal" } });
    const personal = await s.connect({ auth: { token: pat.body.token } });
    expect(await personal.emitWithAck("agent:event", { type: "agent:thought", workflow_id: wf, data: { content: "x" } })).toMatchObject({ status: "error", code: "FORBIDDEN" });
    // an agent serving another project cannot report on this workflow
    const elsewhere = await project();
    const stranger = await agentWithToken(member, [elsewhere.id], "Stranger");
    const c = await s.connect({ auth: { token: stranger.token } });
    expect(await c.emitWithAck("agent:event", { type: "agent:thought", workflow_id: wf, data: { content: "x" } })).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    const rest = await s.request("POST", `/api/v1/workflows/${wf}/events`, { token: stranger.token, body: { type: "agent:thought", data: { content: "x" } } });
    expect(rest.status).toBe(404);
    // a huge payload and a non-object are refused, the socket survives
    const good = await s.connect({ auth: { token: bot.token } });
    expect(await good.emitWithAck("agent:event", { type: "agent:thought", workflow_id: wf, data: { content: "x".repeat(1_100_000) } })).toMatchObject({ status: "error", code: "PAYLOAD_TOO_LARGE" });
    expect(await good.emitWithAck("agent:event", "nope" as any)).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    expect(await good.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
  });

  it("POST /workflows/{id}/events publishes the same way (202 {id}); refusals in the contract's shape", async () => {
    const w = await watch(owner, `workflow:${wf}`);
    const got = nextEvent(w, "agent:result");
    const r = await s.request("POST", `/api/v1/workflows/${wf}/events`, { token: bot.token, body: { type: "agent:result", data: { status: "success", content_type: "json", content: { ok: true } } } });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
    expect(await got).toMatchObject({ source: `agent:${bot.agent.id}`, data: { content: { ok: true }, workflow_id: wf, agent_id: bot.agent.id } });
    const human = await s.request("POST", `/api/v1/workflows/${wf}/events`, { token: member.token, body: { type: "agent:thought", data: { content: "x" } } });
    expect(human.status).toBe(403);
    expect(human.body.error.code).toBe("FORBIDDEN");
    const bad = await s.request("POST", `/api/v1/workflows/${wf}/events`, { token: bot.token, body: { type: "agent:thought", data: {} } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect((await s.request("POST", `/api/v1/workflows/${wf}/events`, { token: bot.token, body: { type: "nope", data: {} } })).status).toBe(400);
    for (const id of ["not-a-uuid", "6a6212ca-629a-4e06-b14b-34d2e35c2057"]) {
      const nf = await s.request("POST", `/api/v1/workflows/${id}/events`, { token: bot.token, body: { type: "agent:thought", data: { content: "x" } } });
      expect(nf.status).toBe(404);
      expect(nf.body.error.code).toBe("NOT_FOUND");
    }
    expect((await s.request("POST", `/api/v1/workflows/${wf}/events`, { body: { type: "agent:thought", data: { content: "x" } } })).status).toBe(401);
  });

  it("secrets an agent sends are masked in the stored event and in what sockets receive", async () => {
    const key = ["sk-", "proj-", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2"].join("");
    const ghp = ["ghp_", "q".repeat(36)].join("");
    const w = await watch(owner, `project:${p.id}`);
    const before = (await s.request("GET", `/api/v1/projects/${p.id}/events?after=0&limit=1000`, { token: owner.token })).body;
    const got = nextEvent(w, "agent:tool_call", (e) => e.data.tool_name === "shell");
    const c = await s.connect({ auth: { token: bot.token } });
    const ack = await c.emitWithAck("agent:event", {
      type: "agent:tool_call",
      workflow_id: wf,
      data: {
        tool_name: "shell",
        status: "completed",
        message: `export OPENAI_API_KEY=${key} && git clone https://bot:hunter22@github.com/o/r`,
        arguments: { token: ghp, env: `GITHUB_TOKEN=${ghp}`, headers: ["Authorization: Bearer abcdefghijklmnopqrstuvwxyz"] },
      },
    });
    expect(ack.status).toBe("success");
    const live = await got;
    let stored: any = null;
    let after = before.next_after ?? "0";
    for (let i = 0; i < 20 && !stored; i++) {
      const page = (await s.request("GET", `/api/v1/projects/${p.id}/events?after=${after}&limit=1000`, { token: owner.token })).body;
      stored = page.events.find((e: any) => e.id === ack.id) ?? null;
      if (page.next_after) after = page.next_after;
      if (!page.events.length) break;
    }
    expect(stored).not.toBeNull();
    for (const env of [live, stored]) {
      const text = JSON.stringify(env);
      for (const secret of [key, ghp, "hunter22", "abcdefghijklmnopqrstuvwxyz"]) expect(text).not.toContain(secret);
      expect(env.data.message).toBe("export OPENAI_API_KEY=sk-**** && git clone https://bot:****@github.com/o/r");
      expect(env.data.arguments).toEqual({ token: "****", env: "GITHUB_TOKEN=ghp_****", headers: ["Authorization: Bearer ****"] });
    }
  });
});

describe("restart", () => {
  it("an agent left online by a process that died is offline after the next start (presence sweep)", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "switchboard-agents-restart-"));
    const db = testsUsePostgres() ? await createTestDatabase() : null;
    const env = { AUTH_SECRET: "agents-restart-secret-0123456789abcdef" };
    try {
      const one = await startServer({ dataDir, env, databaseUrl: db?.url });
      const u = await one.createUser();
      const p = await one.createProject(u);
      const t = await one.request("POST", "/api/v1/tokens", { token: u.token, body: { name: "Crashy", kind: "agent", project_ids: [p.id] } });
      const w = await one.connect({ auth: { token: u.token } });
      await w.emitWithAck("subscribe", { project_id: p.id });
      const online = nextEvent(w, "agent.connected");
      await one.connect({ auth: { token: t.body.token } });
      await online;
      expect((await one.request("GET", `/api/v1/agents/${t.body.agent_id}`, { token: u.token })).body.status).toBe("online");
      // PostgreSQL: a hard kill (nothing runs at exit); the embedded database needs a clean stop to keep its files.
      await one.stop(db ? "SIGKILL" : "SIGTERM");
      const two = await startServer({ dataDir, env, databaseUrl: db?.url });
      try {
        let agent: any = null;
        for (let i = 0; i < 60; i++) {
          agent = (await two.request("GET", `/api/v1/agents/${t.body.agent_id}`, { token: u.token })).body;
          if (agent.status === "offline") break;
          await sleep(250);
        }
        expect(agent).toMatchObject({ status: "offline", connections: 0 });
        const events = (await two.request("GET", `/api/v1/projects/${p.id}/events?limit=1000`, { token: u.token })).body.events;
        expect(events.filter((e: any) => e.type === "agent.disconnected").map((e: any) => e.data.agent_id)).toEqual([t.body.agent_id]);
      } finally {
        await two.stop();
      }
    } finally {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
