// Attack 10 (issue #10): agent and project-scoped tokens kept full owner powers — an agent token changed
// test_command (200) and created a project outside its scope (201). Now one permission table decides
// (lib/auth/permissions.ts, docs/PROTOCOL.md "Permissions"); this file checks it row by row against a real
// server: every action × every kind of caller (roles, admin, personal, agent and project-scoped tokens).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { startServer, type TestServer, type TestUser } from "../support/server";
import { ACTIONS, type Action } from "../../lib/auth/permissions";

let s: TestServer;
let admin: TestUser;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let extra: TestUser;
/** The owner's personal token (unscoped) and one scoped to another project of theirs. */
let pat: string;
let scoped: string;

beforeAll(async () => {
  s = await startServer({ env: { RATE_LIMIT_REST_PER_MINUTE: "100000" } });
  admin = await s.createUser("Admin"); // the first user is admin
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
  extra = await s.createUser("Extra");
  expect(admin.role).toBe("admin");
  expect(owner.role).toBe("user");
  pat = (await token(owner.token, { name: "pat", kind: "personal" })).token;
  const other = await s.createProject(owner, { name: "Other" });
  scoped = (await token(owner.token, { name: "scoped elsewhere", kind: "personal", project_ids: [other.id] })).token;
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

async function token(bearer: string, body: Record<string, unknown>) {
  const r = await s.request("POST", "/api/v1/tokens", { token: bearer, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; token: string; agent_id: string | null };
}

/** A project of `owner` with a member and a viewer, and an agent token of the owner's for it (and a workflow of that agent). */
async function fixture() {
  const p = await s.createProject(owner);
  await s.addMember(owner, p.id, member, "member");
  await s.addMember(owner, p.id, viewer, "viewer");
  const agent = await token(owner.token, { name: `bot ${randomBytes(2).toString("hex")}`, kind: "agent", project_ids: [p.id] });
  const w = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: agent.token, body: { name: "agent's own" } });
  expect(w.status, JSON.stringify(w.body)).toBe(201);
  return { projectId: p.id, agentToken: agent.token, agentId: agent.agent_id!, workflowId: w.body.id as string, progress: 0 };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

const COLUMNS = ["outsider", "viewer", "member", "owner", "admin", "personal", "agent", "scoped"] as const;
type Column = (typeof COLUMNS)[number];
/** ok: allowed (any answer but 401/403/404); 403: refused; 404: the project (or thing) is not even visible. */
type Expect = "ok" | 403 | 404;

function caller(col: Column, f: Fixture): { bearer: string; userId: string } {
  switch (col) {
    case "outsider": return { bearer: outsider.token, userId: outsider.id };
    case "viewer": return { bearer: viewer.token, userId: viewer.id };
    case "member": return { bearer: member.token, userId: member.id };
    case "owner": return { bearer: owner.token, userId: owner.id };
    case "admin": return { bearer: admin.token, userId: admin.id };
    case "personal": return { bearer: pat, userId: owner.id }; // the owner's unscoped personal token
    case "agent": return { bearer: f.agentToken, userId: owner.id }; // the OWNER's agent token, scoped to the project
    case "scoped": return { bearer: scoped, userId: owner.id }; // the owner's token, scoped to another project
  }
}

type Row = {
  /** A fresh project for every caller (the action changes what the next caller would find). */
  fresh?: boolean;
  attempt: (c: { bearer: string; userId: string }, f: Fixture) => Promise<{ status: number; body: any }>;
  expect: Record<Column, Expect>;
};

const req = (method: string, path: string, bearer: string, body?: unknown) => s.request(method, path, { token: bearer, body });

// The table, row by row. Columns: outsider, viewer, member, owner, admin, owner's personal token, owner's
// agent token, owner's token scoped to another project.
const TABLE: Record<Action, Row> = {
  "project.read": {
    attempt: (c, f) => req("GET", `/api/v1/projects/${f.projectId}`, c.bearer),
    expect: { outsider: 404, viewer: "ok", member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: "ok", scoped: 404 },
  },
  "member.read": {
    attempt: (c, f) => req("GET", `/api/v1/projects/${f.projectId}/members`, c.bearer),
    expect: { outsider: 404, viewer: "ok", member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: 404 },
  },
  "member.leave": {
    fresh: true,
    // the owner is the last owner: 409 LAST_OWNER, allowed by the table, refused by the rule; the admin is no member (404)
    attempt: (c, f) => req("DELETE", `/api/v1/projects/${f.projectId}/members/${c.userId}`, c.bearer),
    expect: { outsider: 404, viewer: "ok", member: "ok", owner: "ok", admin: 404, personal: "ok", agent: 403, scoped: 404 },
  },
  "project.contribute": {
    attempt: (c, f) => req("PUT", `/api/v1/projects/${f.projectId}`, c.bearer, { description: `edited ${randomBytes(3).toString("hex")}` }),
    expect: { outsider: 404, viewer: 403, member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: 404 },
  },
  "workflow.create": {
    attempt: (c, f) => req("POST", `/api/v1/projects/${f.projectId}/workflows`, c.bearer, { name: "w" }),
    expect: { outsider: 404, viewer: 403, member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: "ok", scoped: 404 },
  },
  "workflow.report": {
    attempt: (c, f) => req("POST", `/api/v1/workflows/${f.workflowId}/progress`, c.bearer, { progress: ++f.progress }),
    expect: { outsider: 404, viewer: 403, member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: "ok", scoped: 404 },
  },
  "workflow.cancel": {
    fresh: true, // each allowed caller cancels a running workflow (a second cancel would be 409, allowed but not the point)
    attempt: (c, f) => req("POST", `/api/v1/workflows/${f.workflowId}/cancel`, c.bearer, {}),
    expect: { outsider: 404, viewer: 403, member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: "ok", scoped: 404 },
  },
  "agent.event": {
    attempt: (c, f) => req("POST", `/api/v1/workflows/${f.workflowId}/events`, c.bearer, { type: "agent:thought", data: { content: "hm" } }),
    expect: { outsider: 403, viewer: 403, member: 403, owner: 403, admin: 403, personal: 403, agent: "ok", scoped: 403 },
  },
  "project.configure": {
    attempt: (c, f) => req("PUT", `/api/v1/projects/${f.projectId}`, c.bearer, { test_command: `echo ${randomBytes(3).toString("hex")}` }),
    expect: { outsider: 404, viewer: 403, member: 403, owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: 404 },
  },
  "member.manage": {
    attempt: (c, f) => req("POST", `/api/v1/projects/${f.projectId}/members`, c.bearer, { email: extra.email, role: "viewer" }),
    expect: { outsider: 404, viewer: 403, member: 403, owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: 404 },
  },
  "webhook.manage": {
    attempt: (c, f) => req("GET", `/api/v1/projects/${f.projectId}/webhook`, c.bearer),
    expect: { outsider: 404, viewer: 403, member: 403, owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: 404 },
  },
  "project.delete": {
    fresh: true,
    attempt: (c, f) => req("DELETE", `/api/v1/projects/${f.projectId}`, c.bearer),
    expect: { outsider: 404, viewer: 403, member: 403, owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: 404 },
  },
  "agent.status": {
    attempt: (c, f) => req("PUT", `/api/v1/agents/${f.agentId}/status`, c.bearer, { status: "idle" }),
    expect: { outsider: 404, viewer: 403, member: 403, owner: 403, admin: 403, personal: 403, agent: "ok", scoped: 404 },
  },
  "agent.read": {
    attempt: (c, f) => req("GET", `/api/v1/agents/${f.agentId}`, c.bearer),
    expect: { outsider: 404, viewer: "ok", member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: "ok", scoped: 404 },
  },
  "project.create": {
    attempt: (c) => req("POST", "/api/v1/projects", c.bearer, { name: "new" }),
    expect: { outsider: "ok", viewer: "ok", member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: 403 },
  },
  "token.manage": {
    attempt: (c) => req("POST", "/api/v1/tokens", c.bearer, { name: "child", kind: "personal" }),
    expect: { outsider: "ok", viewer: "ok", member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: "ok" },
  },
  "agent.manage": {
    attempt: (c) => req("POST", "/api/v1/agents", c.bearer, { name: "helper", project_ids: [] }),
    expect: { outsider: "ok", viewer: "ok", member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: "ok" },
  },
  "profile.update": {
    attempt: (c) => req("PATCH", "/api/v1/me", c.bearer, { name: `Renamed ${randomBytes(2).toString("hex")}` }),
    expect: { outsider: "ok", viewer: "ok", member: "ok", owner: "ok", admin: "ok", personal: "ok", agent: 403, scoped: 403 },
  },
  admin: {
    attempt: (c) => req("GET", "/api/v1/websocket/stats", c.bearer),
    expect: { outsider: 403, viewer: 403, member: 403, owner: 403, admin: "ok", personal: 403, agent: 403, scoped: 403 },
  },
};

const outcome = (status: number): Expect => (status === 403 ? 403 : status === 404 ? 404 : "ok");

describe("the permission table, row by row", () => {
  it("covers every action of lib/auth/permissions.ts", () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ACTIONS].sort());
  });

  it.each(ACTIONS.map((a) => [a]))("%s", async (action) => {
    const row = TABLE[action];
    let shared: Fixture | null = null;
    const got: Partial<Record<Column, Expect>> = {};
    const bodies: string[] = [];
    for (const col of COLUMNS) {
      const f: Fixture = row.fresh || !shared ? await fixture() : shared;
      if (!row.fresh) shared = f;
      const r = await row.attempt(caller(col, f), f);
      expect(r.status, `${action} as ${col}: ${JSON.stringify(r.body)}`).not.toBe(401);
      expect(r.status, `${action} as ${col}: ${JSON.stringify(r.body)}`).toBeLessThan(500);
      got[col] = outcome(r.status);
      // refusals are in the contract's shape
      if (r.status === 403) expect(r.body.error.code).toBe("FORBIDDEN");
      if (r.status === 404) expect(r.body.error.code).toBe("NOT_FOUND");
      bodies.push(`${col}: ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
    }
    expect(got, bodies.join("\n")).toEqual(row.expect);
  }, 120_000);
});

describe("attack 10: agent and project-scoped tokens", () => {
  it("an agent token of a project's OWNER cannot change test_command nor create a project; a scoped token cannot create one either", async () => {
    const f = await fixture();
    const cmd = await req("PUT", `/api/v1/projects/${f.projectId}`, f.agentToken, { test_command: "cat ../../auth_secret" });
    expect(cmd.status).toBe(403);
    expect(cmd.body.error).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("Agent tokens") });
    expect((await req("GET", `/api/v1/projects/${f.projectId}`, owner.token)).body.test_command).toBeNull();
    const created = await req("POST", "/api/v1/projects", f.agentToken, { name: "outside its scope" });
    expect(created.status).toBe(403);
    const byScoped = await req("POST", "/api/v1/projects", scoped, { name: "outside its scope" });
    expect(byScoped.status).toBe(403);
    expect(byScoped.body.error.message).toContain("project-scoped");
    const names = (await req("GET", "/api/v1/projects", owner.token)).body.projects.map((p: any) => p.name);
    expect(names).not.toContain("outside its scope");
  });

  it("an agent token cannot manage tokens, agents, members or test runs, nor report on another agent's workflow", async () => {
    const f = await fixture();
    expect((await req("GET", "/api/v1/tokens", f.agentToken)).status).toBe(403);
    const mine = await token(owner.token, { name: "victim", kind: "personal" });
    expect((await req("DELETE", `/api/v1/tokens/${mine.id}`, f.agentToken)).status).toBe(403);
    expect((await s.request("GET", "/api/v1/me", { token: mine.token })).status).toBe(200);
    expect((await req("DELETE", `/api/v1/agents/${f.agentId}`, f.agentToken)).status).toBe(403);
    expect((await req("DELETE", `/api/v1/projects/${f.projectId}/members/${member.id}`, f.agentToken)).status).toBe(403);
    expect((await req("POST", `/api/v1/projects/${f.projectId}/test-runs`, f.agentToken, {})).status).toBe(403);
    expect((await req("POST", `/api/v1/projects/${f.projectId}/sessions`, f.agentToken)).status).toBe(403);
    // a workflow someone else started: agent events yes (its project), changing its state no
    const human = await req("POST", `/api/v1/projects/${f.projectId}/workflows`, owner.token, { name: "human's" });
    expect((await req("POST", `/api/v1/workflows/${human.body.id}/progress`, f.agentToken, { progress: 10 })).status).toBe(403);
    expect((await req("POST", `/api/v1/workflows/${human.body.id}/complete`, f.agentToken, {})).status).toBe(403);
    expect((await req("POST", `/api/v1/workflows/${human.body.id}/events`, f.agentToken, { type: "agent:thought", data: { content: "x" } })).status).toBe(202);
    // its own workflow: yes
    expect((await req("POST", `/api/v1/workflows/${f.workflowId}/complete`, f.agentToken, { result: { ok: true } })).status).toBe(200);
  });

  it("an admin's scoped or agent token does no instance-wide admin work", async () => {
    const p = await s.createProject(admin);
    const adminScoped = await token(admin.token, { name: "admin scoped", kind: "personal", project_ids: [p.id] });
    const adminAgent = await token(admin.token, { name: "admin bot", kind: "agent", project_ids: [p.id] });
    expect((await req("GET", "/api/v1/websocket/stats", admin.token)).status).toBe(200);
    for (const t of [adminScoped.token, adminAgent.token]) {
      expect((await req("GET", "/api/v1/websocket/stats", t)).status).toBe(403);
      expect((await req("GET", "/api/v1/admin/metrics", t)).status).toBe(403);
      expect((await req("GET", "/api/v1/github/deliveries", t)).status).toBe(403);
    }
    // the scoped token still acts as owner inside its project
    expect((await req("PUT", `/api/v1/projects/${p.id}`, adminScoped.token, { test_command: "echo ok" })).status).toBe(200);
  });

  it("a scoped token's socket cannot join rooms of projects outside its scope", async () => {
    const f = await fixture();
    const c = await s.connect({ auth: { token: scoped } });
    expect(await c.emitWithAck("subscribe", { project_id: f.projectId })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    expect(await c.emitWithAck("subscribe", { room: `workflow:${f.workflowId}` })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    expect(await c.emitWithAck("subscribe", { room: `agent:${f.agentId}` })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    c.disconnect();
  });

  it("a scoped token sees and revokes only tokens within its own scope, not its user's wider ones", async () => {
    const p = await s.createProject(owner);
    const narrow = await token(owner.token, { name: "narrow", kind: "personal", project_ids: [p.id] });
    const wide = await token(owner.token, { name: "wide", kind: "personal" });
    const sibling = await token(owner.token, { name: "sibling", kind: "personal", project_ids: [p.id] });
    const listed = await s.request("GET", "/api/v1/tokens", { token: narrow.token });
    expect(listed.status).toBe(200);
    const names = (listed.body.tokens ?? listed.body).map((t: { name: string }) => t.name);
    expect(names).toContain("sibling");
    expect(names).not.toContain("wide");
    expect(names).not.toContain("pat");
    expect((await s.request("DELETE", `/api/v1/tokens/${wide.id}`, { token: narrow.token })).status).toBe(404);
    expect((await s.request("GET", "/api/v1/me", { token: wide.token })).status).toBe(200); // still works
    expect((await s.request("DELETE", `/api/v1/tokens/${sibling.id}`, { token: narrow.token })).status).toBe(204);
  });
});
