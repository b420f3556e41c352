// API tokens against a real server: create/list/revoke, REST and sockets, expiry, project scope, auth:refresh.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { nextEvent, startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  s = await startServer();
  alice = await s.createUser("Alice");
  bob = await s.createUser("Bob");
});
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

const mkToken = async (user: TestUser, body: Record<string, unknown>) => {
  const r = await s.request("POST", "/api/v1/tokens", { token: user.token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; token: string; expires_at: string | null; [k: string]: any };
};
const me = (token: string) => s.request("GET", "/api/v1/me", { token });
const inSeconds = (n: number) => new Date(Date.now() + n * 1000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the auth_error payload and the disconnect reason. */
const kicked = (c: Socket, timeoutMs = 15_000) =>
  Promise.all([nextEvent(c, "auth_error", () => true, timeoutMs), new Promise<string>((resolve) => c.once("disconnect", (reason) => resolve(reason)))]);

describe("creating, listing and revoking tokens", () => {
  it("creates a personal token shown once, usable as a Bearer token; the list never has the secret", async () => {
    const t = await mkToken(alice, { name: "CI", kind: "personal" });
    expect(t).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "CI",
      kind: "personal",
      token: expect.stringMatching(/^sb_pat_[A-Za-z0-9_-]{40,}$/),
      prefix: t.token.slice(0, 11),
      expires_at: null,
      project_ids: [],
      agent_id: null,
      last_used_at: null,
      revoked_at: null,
      revoked: false,
      expired: false,
      created_at: expect.any(String),
    });
    const who = await me(t.token);
    expect(who.status).toBe(200);
    expect(who.body.user.id).toBe(alice.id);

    const list = await s.request("GET", "/api/v1/tokens", { token: alice.token });
    expect(list.status).toBe(200);
    const row = list.body.tokens.find((x: any) => x.id === t.id);
    expect(row).toMatchObject({ name: "CI", kind: "personal", revoked: false, last_used_at: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toContain(t.token);
    expect(row.token).toBeUndefined();
    // Bob does not see Alice's tokens
    const bobs = await s.request("GET", "/api/v1/tokens", { token: bob.token });
    expect(bobs.body.tokens.map((x: any) => x.id)).not.toContain(t.id);
  });

  it.each([
    [{ kind: "personal" }, "name"],
    [{ name: "x", kind: "root" }, "kind"],
    [{ name: "x", kind: "personal", expires_at: "tomorrow" }, "expires_at"],
    [{ name: "x", kind: "personal", expires_at: new Date(Date.now() - 1000).toISOString() }, "expires_at"],
    [{ name: "x", kind: "personal", project_ids: ["not-a-uuid"] }, "project_ids"],
    [{ name: "x", kind: "personal", project_ids: "all" }, "project_ids"],
    [{ name: "x", kind: "agent", agent_id: "6a6212ca-629a-4e06-b14b-34d2e35c2057" }, "agent_id"],
    [{ name: "x", kind: "personal", agent_id: "6a6212ca-629a-4e06-b14b-34d2e35c2057" }, "agent_id"],
    [{ name: "x", kind: "personal", extra: 1 }, ""],
  ])("refuses %j with VALIDATION_FAILED", async (body, field) => {
    const r = await s.request("POST", "/api/v1/tokens", { token: alice.token, body });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    if (field) expect(JSON.stringify(r.body.error.details)).toContain(field);
  });

  it("refuses a project the caller is not a member of, bodies that are not objects, and no credential", async () => {
    const p = await s.createProject(alice); // bob is not a member (alice, the first user, is admin: she could)
    const r = await s.request("POST", "/api/v1/tokens", { token: bob.token, body: { name: "x", kind: "personal", project_ids: [p.id] } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    expect((await s.request("POST", "/api/v1/tokens", { token: alice.token, body: "[1]" })).status).toBe(400);
    expect((await s.request("POST", "/api/v1/tokens", { token: alice.token, body: { name: "x".repeat(2_000_000), kind: "personal" } })).status).toBe(413);
    const anon = await s.request("POST", "/api/v1/tokens", { body: { name: "x", kind: "personal" } });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("an unknown, malformed or forged token is 401 on REST and AUTH_FAILED on sockets", async () => {
    for (const bad of ["sb_pat_nope", "sb_agt_" + "A".repeat(43), "sb_pat_" + "x".repeat(500)]) {
      const r = await me(bad);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("UNAUTHENTICATED");
      const e = await s.connectError({ auth: { token: bad } });
      expect(e.message).toBe("AUTH_FAILED");
      expect(e.data).toEqual({ code: "AUTH_FAILED", message: expect.any(String) });
    }
  });

  it("revoking stops REST at once and disconnects the token's sockets (auth and query) with AUTH_FAILED; others stay", async () => {
    const t = await mkToken(alice, { name: "to revoke", kind: "personal" });
    const other = await mkToken(alice, { name: "keep", kind: "personal" });
    const viaAuth = await s.connect({ auth: { token: t.token } });
    const viaQuery = await s.connect({ query: { token: t.token } });
    const keep = await s.connect({ auth: { token: other.token } });
    const jwt = await s.connect({ auth: { token: alice.token } });
    expect(await viaAuth.emitWithAck("debug:rooms", {})).toEqual({ rooms: expect.not.arrayContaining([`token:${t.id}`]) });
    const gone = [kicked(viaAuth), kicked(viaQuery)];
    const del = await s.request("DELETE", `/api/v1/tokens/${t.id}`, { token: alice.token });
    expect(del.status).toBe(204);
    expect((await me(t.token)).status).toBe(401);
    for (const [ev, reason] of await Promise.all(gone)) {
      expect(ev).toEqual({ type: "auth.error", timestamp: expect.any(String), data: { code: "AUTH_FAILED", message: expect.any(String) } });
      expect(reason).toBe("io server disconnect");
    }
    expect((await s.connectError({ auth: { token: t.token } })).message).toBe("AUTH_FAILED");
    // the other token and the JWT are untouched
    expect(keep.connected && jwt.connected).toBe(true);
    expect(await keep.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
    expect((await me(other.token)).status).toBe(200);
    const list = await s.request("GET", "/api/v1/tokens", { token: alice.token });
    expect(list.body.tokens.find((x: any) => x.id === t.id)).toMatchObject({ revoked: true, revoked_at: expect.any(String) });
    // revoking again is harmless; another user's token or a bad id is 404
    expect((await s.request("DELETE", `/api/v1/tokens/${t.id}`, { token: alice.token })).status).toBe(204);
    expect((await s.request("DELETE", `/api/v1/tokens/${other.id}`, { token: bob.token })).status).toBe(404);
    expect((await me(other.token)).status).toBe(200);
    expect((await s.request("DELETE", `/api/v1/tokens/not-a-uuid`, { token: alice.token })).status).toBe(404);
  });

  it("an expiring token works until expires_at, then REST 401, socket refused, and its open socket is disconnected", async () => {
    const t = await mkToken(alice, { name: "short", kind: "personal", expires_at: inSeconds(4) });
    expect(new Date(t.expires_at!).getTime()).toBeGreaterThan(Date.now());
    expect((await me(t.token)).status).toBe(200);
    const c = await s.connect({ auth: { token: t.token } });
    const [ev, reason] = await kicked(c);
    expect(ev.data.code).toBe("AUTH_FAILED");
    expect(reason).toBe("io server disconnect");
    expect(Date.now()).toBeGreaterThanOrEqual(new Date(t.expires_at!).getTime() - 50);
    const r = await me(t.token);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("UNAUTHENTICATED");
    expect((await s.connectError({ auth: { token: t.token } })).data.code).toBe("AUTH_FAILED");
    const list = await s.request("GET", "/api/v1/tokens", { token: alice.token });
    expect(list.body.tokens.find((x: any) => x.id === t.id)).toMatchObject({ expired: true, revoked: false });
  });
});

describe("project scope", () => {
  it("a scoped token sees and acts only on its projects, even if its user is a member of more", async () => {
    const a = await s.createProject(alice, { name: "Scoped A" });
    const b = await s.createProject(alice, { name: "Scoped B" });
    const t = await mkToken(alice, { name: "only A", kind: "personal", project_ids: [a.id] });
    expect(t.project_ids).toEqual([a.id]);
    const list = await s.request("GET", "/api/v1/projects", { token: t.token });
    expect(list.body.projects.map((p: any) => p.id)).toEqual([a.id]);
    expect((await s.request("GET", `/api/v1/projects/${a.id}`, { token: t.token })).status).toBe(200);
    expect((await s.request("GET", `/api/v1/projects/${b.id}`, { token: t.token })).status).toBe(404);
    expect((await s.request("PUT", `/api/v1/projects/${b.id}`, { token: t.token, body: { name: "nope" } })).status).toBe(404);
    expect((await s.request("GET", `/api/v1/projects/${b.id}/events`, { token: t.token })).status).toBe(404);
    const c = await s.connect({ auth: { token: t.token } });
    expect(await c.emitWithAck("subscribe", { project_id: a.id })).toMatchObject({ status: "success" });
    expect(await c.emitWithAck("subscribe", { project_id: b.id })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    // the user's unscoped JWT still sees both
    expect((await s.request("GET", `/api/v1/projects/${b.id}`, { token: alice.token })).status).toBe(200);
    // a scoped token cannot mint a token for a project outside its scope; an unscoped request inherits its scope
    const wider = await s.request("POST", "/api/v1/tokens", { token: t.token, body: { name: "wider", kind: "personal", project_ids: [b.id] } });
    expect(wider.status).toBe(400);
    const child = await mkToken(alice, { name: "placeholder", kind: "personal" });
    expect(child.project_ids).toEqual([]);
    const inherited = await s.request("POST", "/api/v1/tokens", { token: t.token, body: { name: "child", kind: "personal" } });
    expect(inherited.status).toBe(201);
    expect(inherited.body.project_ids).toEqual([a.id]);
  });

  it("an admin's scoped token is limited too", async () => {
    // alice is the first user: admin
    expect(alice.role).toBe("admin");
    const theirs = await s.createProject(bob, { name: "Bob's" });
    const mine = await s.createProject(alice, { name: "Alice's" });
    const t = await mkToken(alice, { name: "admin scoped", kind: "personal", project_ids: [mine.id] });
    expect((await s.request("GET", `/api/v1/projects/${theirs.id}`, { token: alice.token })).status).toBe(200);
    expect((await s.request("GET", `/api/v1/projects/${theirs.id}`, { token: t.token })).status).toBe(404);
  });
});

describe("auth:refresh", () => {
  it("a valid token of the same user extends the socket's life past the old credential's expiry", async () => {
    const short = await mkToken(alice, { name: "short-lived", kind: "personal", expires_at: inSeconds(3) });
    const long = await mkToken(alice, { name: "long-lived", kind: "personal", expires_at: inSeconds(3600) });
    const c = await s.connect({ auth: { token: short.token } });
    const ack = await c.emitWithAck("auth:refresh", { token: long.token });
    expect(ack).toEqual({ status: "success", expires_at: long.expires_at });
    await sleep(4500);
    expect(c.connected).toBe(true);
    expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
    // now bound to the new token: revoking it disconnects the socket
    const gone = kicked(c);
    await s.request("DELETE", `/api/v1/tokens/${long.id}`, { token: alice.token });
    expect((await gone)[0].data.code).toBe("AUTH_FAILED");
  });

  it("refreshing a JWT socket with a fresh JWT answers its expiry", async () => {
    const c = await s.connect({ auth: { token: alice.token } });
    const fresh = await s.request("POST", "/api/v1/auth/token", { body: { email: alice.email, password: alice.password } });
    const ack = await c.emitWithAck("auth:refresh", { token: fresh.body.token });
    expect(ack).toEqual({ status: "success", expires_at: fresh.body.expires_at });
  });

  it.each([
    ["a bad token", () => "garbage"],
    ["a revoked token", async () => {
      const t = await mkToken(alice, { name: "dead", kind: "personal" });
      await s.request("DELETE", `/api/v1/tokens/${t.id}`, { token: alice.token });
      return t.token;
    }],
    ["another user's token", () => bob.token],
  ])("%s is refused with AUTH_FAILED and the old credential stays in force until its own expiry", async (_n, make) => {
    const short = await mkToken(alice, { name: "short", kind: "personal", expires_at: inSeconds(4) });
    const c = await s.connect({ auth: { token: short.token } });
    const gone = kicked(c);
    const ack = await c.emitWithAck("auth:refresh", { token: await make() });
    expect(ack).toMatchObject({ status: "error", code: "AUTH_FAILED", message: expect.any(String) });
    expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
    const [ev] = await gone;
    expect(ev.data.code).toBe("AUTH_FAILED");
    expect(Date.now()).toBeGreaterThanOrEqual(new Date(short.expires_at!).getTime() - 50);
  });

  it.each([[{}], [{ token: 42 }], [{ token: "" }]])("refuses payload %j with VALIDATION_FAILED", async (p) => {
    const c = await s.connect({ auth: { token: alice.token } });
    expect(await c.emitWithAck("auth:refresh", p)).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
  });
});

describe("agent tokens", () => {
  it("kind agent without agent_id registers an agent named after the token with the same scope", async () => {
    const p = await s.createProject(alice);
    const t = await mkToken(alice, { name: "Reviewer bot", kind: "agent", project_ids: [p.id] });
    expect(t.token).toMatch(/^sb_agt_/);
    expect(t.agent_id).toMatch(/^[0-9a-f-]{36}$/);
    const agent = await s.request("GET", `/api/v1/agents/${t.agent_id}`, { token: alice.token });
    expect(agent.status).toBe(200);
    expect(agent.body).toMatchObject({ id: t.agent_id, name: "Reviewer bot", project_ids: [p.id], status: "offline" });
    // an agent token authenticates REST as its user but cannot mint tokens
    expect((await me(t.token)).body.user.id).toBe(alice.id);
    const mint = await s.request("POST", "/api/v1/tokens", { token: t.token, body: { name: "x", kind: "personal" } });
    expect(mint.status).toBe(403);
    expect(mint.body.error.code).toBe("FORBIDDEN");
    // a second token for the same agent
    const second = await mkToken(alice, { name: "second", kind: "agent", agent_id: t.agent_id });
    expect(second).toMatchObject({ agent_id: t.agent_id, project_ids: [p.id] });
    // someone else cannot issue tokens for it
    const theft = await s.request("POST", "/api/v1/tokens", { token: bob.token, body: { name: "x", kind: "agent", agent_id: t.agent_id } });
    expect(theft.status).toBe(403);
  });
});
