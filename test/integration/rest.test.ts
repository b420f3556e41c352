// REST against a real server: auth, projects, members, history, errors in the contract's shape.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let admin: TestUser;
let bob: TestUser;
let carol: TestUser;

const expectError = (r: { status: number; body: any }, status: number, code: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toMatchObject({ error: { code, message: expect.any(String) } });
};

beforeAll(async () => {
  s = await startServer();
  admin = await s.createUser("Admin");
  bob = await s.createUser("Bob");
  carol = await s.createUser("Carol");
});
afterAll(async () => {
  await s?.stop();
});

describe("auth", () => {
  it("makes the first user admin and later ones users", () => {
    expect(admin.role).toBe("admin");
    expect(bob.role).toBe("user");
  });

  it("register validates and refuses duplicates", async () => {
    expectError(await s.request("POST", "/api/v1/auth/register", { body: { email: bob.email, password: "long-enough", name: "B2" } }), 409, "EMAIL_TAKEN");
    const bad = await s.request("POST", "/api/v1/auth/register", { body: { email: "nope", password: "short", name: 7 } });
    expectError(bad, 400, "VALIDATION_FAILED");
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["email", "name", "password"]);
    expectError(await s.request("POST", "/api/v1/auth/register", { body: "[1,2]" }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", "/api/v1/auth/register", { body: "{not json" }), 400, "VALIDATION_FAILED");
  });

  it("token: 401 INVALID_CREDENTIALS for a wrong password or unknown email", async () => {
    expectError(await s.request("POST", "/api/v1/auth/token", { body: { email: bob.email, password: "wrong-password" } }), 401, "INVALID_CREDENTIALS");
    expectError(await s.request("POST", "/api/v1/auth/token", { body: { email: "ghost@example.test", password: "whatever1" } }), 401, "INVALID_CREDENTIALS");
    const ok = await s.request("POST", "/api/v1/auth/token", { body: { email: bob.email.toUpperCase(), password: bob.password } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "Bearer", user: { id: bob.id, email: bob.email } });
    expect(new Date(ok.body.expires_at).getTime()).toBeGreaterThan(Date.now());
  });

  it("REST refuses missing, malformed, forged and expired credentials", async () => {
    expectError(await s.request("GET", "/api/v1/projects"), 401, "UNAUTHENTICATED");
    expectError(await s.request("GET", "/api/v1/projects", { headers: { authorization: "Basic abc" } }), 401, "UNAUTHENTICATED");
    expectError(await s.request("GET", "/api/v1/projects", { token: "garbage" }), 401, "UNAUTHENTICATED");
    const forged = await new SignJWT({ typ: "access" }).setProtectedHeader({ alg: "HS256" }).setSubject(bob.id).setIssuer("switchboard").setExpirationTime("1h").sign(new TextEncoder().encode("another-secret-of-enough-length"));
    expectError(await s.request("GET", "/api/v1/projects", { token: forged }), 401, "UNAUTHENTICATED");
    const expired = await new SignJWT({ typ: "access" }).setProtectedHeader({ alg: "HS256" }).setSubject(bob.id).setIssuer("switchboard").setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(s.env.AUTH_SECRET!));
    expectError(await s.request("GET", "/api/v1/projects", { token: expired }), 401, "UNAUTHENTICATED");
  });

  it("accepts the next-auth session cookie", async () => {
    const cookie = await s.sessionCookie(bob);
    const me = await s.request("GET", "/api/v1/me", { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: bob.id, email: bob.email, role: "user" });
    expectError(await s.request("GET", "/api/v1/me", { headers: { cookie: "next-auth.session-token=forged" } }), 401, "UNAUTHENTICATED");
  });
});

describe("projects", () => {
  it("CRUD with the contract's shape", async () => {
    const created = await s.request("POST", "/api/v1/projects", {
      token: bob.token,
      body: { name: "  Apollo  ", description: "moon", repository_url: "https://github.com/acme/apollo", test_command: "node --test" },
    });
    expect(created.status).toBe(201);
    const p = created.body;
    expect(p).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "Apollo",
      description: "moon",
      repository_url: "https://github.com/acme/apollo",
      test_command: "node --test",
      status: "active",
      created_at: expect.any(String),
      updated_at: expect.any(String),
      role: "owner",
      monthly_token_budget: null,
    });
    expect(new Date(p.created_at).toISOString()).toBe(p.created_at);

    const list = await s.request("GET", "/api/v1/projects", { token: bob.token });
    expect(list.body.projects.map((x: any) => x.id)).toContain(p.id);
    expect((await s.request("GET", "/api/v1/projects", { token: carol.token })).body.projects.map((x: any) => x.id)).not.toContain(p.id);
    expect((await s.request("GET", "/api/v1/projects", { token: admin.token })).body.projects.map((x: any) => x.id)).toContain(p.id);

    const upd = await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { name: "Apollo 11", status: "archived" } });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ name: "Apollo 11", status: "archived" });
    expect((await s.request("GET", `/api/v1/projects/${p.id}`, { token: bob.token })).body.name).toBe("Apollo 11");

    expect((await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: bob.token })).status).toBe(204);
    expectError(await s.request("GET", `/api/v1/projects/${p.id}`, { token: bob.token }), 404, "NOT_FOUND");
    expectError(await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: bob.token }), 404, "NOT_FOUND");
  });

  it("unknown or malformed ids are 404, never 500", async () => {
    for (const id of ["nope", "123", "00000000-0000-0000-0000-000000000000", "%00", "' OR 1=1 --"]) {
      const path = `/api/v1/projects/${encodeURIComponent(id)}`;
      expectError(await s.request("GET", path, { token: bob.token }), 404, "NOT_FOUND");
      expectError(await s.request("PUT", path, { token: bob.token, body: { name: "x" } }), 404, "NOT_FOUND");
      expectError(await s.request("DELETE", path, { token: bob.token }), 404, "NOT_FOUND");
      expectError(await s.request("GET", `${path}/events`, { token: bob.token }), 404, "NOT_FOUND");
      expectError(await s.request("POST", `${path}/members`, { token: bob.token, body: { email: carol.email, role: "member" } }), 404, "NOT_FOUND");
    }
    expectError(await s.request("GET", "/api/v1/does-not-exist", { token: bob.token }), 404, "NOT_FOUND");
  });

  it("bad bodies: wrong types, non-objects, invalid JSON, oversized", async () => {
    const bad = await s.request("POST", "/api/v1/projects", { token: bob.token, body: { name: 42, repository_url: ["x"] } });
    expectError(bad, 400, "VALIDATION_FAILED");
    expect(bad.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: "name" })]));
    expectError(await s.request("POST", "/api/v1/projects", { token: bob.token, body: "null" }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", "/api/v1/projects", { token: bob.token, body: '"str"' }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", "/api/v1/projects", { token: bob.token, body: "{" }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", "/api/v1/projects", { token: bob.token, body: { name: "" } }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", "/api/v1/projects", { token: bob.token, body: { name: "x", description: "d".repeat(2 * 1024 * 1024) } }), 413, "PAYLOAD_TOO_LARGE");
    expectError(await s.request("POST", "/api/v1/projects", { token: bob.token, body: { name: "x", repository_url: "/etc" } }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", "/api/v1/projects", { token: bob.token, body: { name: "x", repository_url: "file:///etc/passwd" } }), 400, "VALIDATION_FAILED");
    const p = await s.createProject(bob);
    expectError(await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: {} }), 400, "VALIDATION_FAILED");
    expectError(await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { status: "deleted" } }), 400, "VALIDATION_FAILED");
    // nothing was lost on the way
    expect((await s.request("GET", `/api/v1/projects/${p.id}`, { token: bob.token })).body.name).toBe(p.name);
  });

  it("roles: viewers read, members edit, only owners touch repository_url/test_command, delete and manage members", async () => {
    const p = await s.createProject(bob);
    await s.addMember(bob, p.id, carol, "viewer");
    expect((await s.request("GET", `/api/v1/projects/${p.id}`, { token: carol.token })).body.role).toBe("viewer");
    expectError(await s.request("PUT", `/api/v1/projects/${p.id}`, { token: carol.token, body: { name: "hijack" } }), 403, "FORBIDDEN");
    await s.addMember(bob, p.id, carol, "member");
    expect((await s.request("PUT", `/api/v1/projects/${p.id}`, { token: carol.token, body: { description: "edited by carol" } })).status).toBe(200);
    expectError(await s.request("PUT", `/api/v1/projects/${p.id}`, { token: carol.token, body: { test_command: "rm -rf /" } }), 403, "FORBIDDEN");
    expectError(await s.request("PUT", `/api/v1/projects/${p.id}`, { token: carol.token, body: { repository_url: "https://github.com/evil/x" } }), 403, "FORBIDDEN");
    expectError(await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: carol.token }), 403, "FORBIDDEN");
    expectError(await s.request("POST", `/api/v1/projects/${p.id}/members`, { token: carol.token, body: { email: admin.email, role: "owner" } }), 403, "FORBIDDEN");
    // admins act as owners
    expect((await s.request("PUT", `/api/v1/projects/${p.id}`, { token: admin.token, body: { test_command: "npm test" } })).status).toBe(200);
  });

  it("members: add, list, change role, last owner protected, remove", async () => {
    const p = await s.createProject(bob);
    const added = await s.request("POST", `/api/v1/projects/${p.id}/members`, { token: bob.token, body: { email: carol.email, role: "member" } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ project_id: p.id, user_id: carol.id, email: carol.email, role: "member" });
    expectError(await s.request("POST", `/api/v1/projects/${p.id}/members`, { token: bob.token, body: { email: "ghost@example.test", role: "member" } }), 404, "USER_NOT_FOUND"); // with an invite offer (accounts.test.ts)
    expectError(await s.request("POST", `/api/v1/projects/${p.id}/members`, { token: bob.token, body: { email: carol.email, role: "boss" } }), 400, "VALIDATION_FAILED");
    const members = (await s.request("GET", `/api/v1/projects/${p.id}/members`, { token: carol.token })).body.members;
    expect(members.map((m: any) => [m.user_id, m.role])).toEqual([[bob.id, "owner"], [carol.id, "member"]]);
    expectError(await s.request("DELETE", `/api/v1/projects/${p.id}/members/${bob.id}`, { token: bob.token }), 409, "LAST_OWNER");
    expectError(await s.request("PUT", `/api/v1/projects/${p.id}/members/${bob.id}`, { token: bob.token, body: { role: "viewer" } }), 409, "LAST_OWNER");
    expect((await s.request("PUT", `/api/v1/projects/${p.id}/members/${carol.id}`, { token: bob.token, body: { role: "owner" } })).body.role).toBe("owner");
    expect((await s.request("DELETE", `/api/v1/projects/${p.id}/members/${bob.id}`, { token: carol.token })).status).toBe(204);
    expectError(await s.request("GET", `/api/v1/projects/${p.id}`, { token: bob.token }), 404, "NOT_FOUND");
    expectError(await s.request("DELETE", `/api/v1/projects/${p.id}/members/not-a-user`, { token: carol.token }), 404, "NOT_FOUND");
  });

  it("events?after= pages through the project's history in order", async () => {
    const p = await s.createProject(bob);
    for (let i = 1; i <= 5; i++) await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { description: `rev ${i}` } });
    const all = await s.request("GET", `/api/v1/projects/${p.id}/events`, { token: bob.token });
    expect(all.status).toBe(200);
    const events = all.body.events;
    expect(events.map((e: any) => e.data.description)).toEqual(["rev 1", "rev 2", "rev 3", "rev 4", "rev 5"]);
    for (const e of events) {
      expect(e).toEqual({ id: expect.stringMatching(/^\d+$/), type: "project.updated", timestamp: expect.any(String), source: "project_service", room: `project:${p.id}`, trace_id: null, data: expect.any(Object) });
      expect(e.data).toMatchObject({ id: p.id, changes: { fields: ["description"] }, updated_by: bob.id });
    }
    const ids = events.map((e: any) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    const page = await s.request("GET", `/api/v1/projects/${p.id}/events?after=${events[1].id}&limit=2`, { token: bob.token });
    expect(page.body.events.map((e: any) => e.data.description)).toEqual(["rev 3", "rev 4"]);
    expect(page.body.next_after).toBe(events[3].id);
    expectError(await s.request("GET", `/api/v1/projects/${p.id}/events?after=abc`, { token: bob.token }), 400, "VALIDATION_FAILED");
    expectError(await s.request("GET", `/api/v1/projects/${p.id}/events?limit=0`, { token: bob.token }), 400, "VALIDATION_FAILED");
    expectError(await s.request("GET", `/api/v1/projects/${p.id}/events`, { token: carol.token }), 404, "NOT_FOUND");
  });

  it("prompting without a configured model answers 503 LLM_NOT_CONFIGURED and stores nothing", async () => {
    const p = await s.createProject(bob);
    const session = await s.request("POST", `/api/v1/projects/${p.id}/sessions`, { token: bob.token });
    expect(session.status).toBe(201);
    expectError(await s.request("POST", `/api/v1/sessions/${session.body.session_id}/messages`, { token: bob.token, body: { prompt: "hi" } }), 503, "LLM_NOT_CONFIGURED");
    expect((await s.request("GET", `/api/v1/sessions/${session.body.session_id}`, { token: bob.token })).body.messages).toEqual([]);
  });

  it("websocket/stats is admin only; health needs no auth", async () => {
    expectError(await s.request("GET", "/api/v1/websocket/stats", { token: bob.token }), 403, "FORBIDDEN");
    expectError(await s.request("GET", "/api/v1/websocket/stats"), 401, "UNAUTHENTICATED");
    expect((await s.request("GET", "/api/v1/websocket/stats", { token: admin.token })).body).toEqual({ connections: 0, rooms: {} });
    const h = await s.request("GET", "/api/health");
    expect(h.status).toBe(200);
    expect(h.body).toEqual({ status: "ok", checks: { database: "ok", redis: "disabled" } });
  });
});
