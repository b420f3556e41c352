// Issue #11 part 2: the caller (token → user), role and project lookups are cached per process
// (lib/auth/lookup-cache.ts). The attack: a credential or a membership that was withdrawn keeps working on a
// process that cached it. Every case warms the cache first (the same request succeeds), withdraws, and
// expects the very next request to be refused — in one process (both databases) and, in the PostgreSQL leg
// with TEST_REDIS=1, on the *other* of two processes sharing PostgreSQL and Redis (startPair).
// Checked to fail: with invalidate() sending nothing to the other processes, 5 of the 6 two-process cases
// fail (the deleted project's PUT is refused by its UPDATE finding no row anyway).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPair, startServer, type TestServer, type TestUser } from "../support/server";

const usesPg = process.env.TEST_DB === "postgres";
const usesRedis = !!process.env.TEST_REDIS;
if (!usesPg || !usesRedis) console.warn("\n!!! lookup-cache.test.ts: the two-process cases need TEST_DB=postgres TEST_REDIS=1; skipped !!!\n");

const put = (s: TestServer, token: string, projectId: string, body: Record<string, unknown>) => s.request("PUT", `/api/v1/projects/${projectId}`, { token, body });
const me = (s: TestServer, token: string) => s.request("GET", "/api/v1/me", { token });

async function mkToken(s: TestServer, user: TestUser, body: Record<string, unknown> = {}) {
  const r = await s.request("POST", "/api/v1/tokens", { token: user.token, body: { name: "t", kind: "personal", ...body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; token: string };
}

/**
 * The cases, run with `w` the process that serves the attacker (and caches) and `c` the process where the
 * change is made (the same process, or the other one).
 */
function cases(servers: () => { w: TestServer; c: TestServer; admin: TestUser; owner: TestUser }) {
  it("a revoked API token is refused at once (REST and new sockets)", async () => {
    const { w, c, owner } = servers();
    const p = await c.createProject(owner);
    const t = await mkToken(c, owner);
    expect((await put(w, t.token, p.id, { description: "via token" })).status).toBe(200); // cached on w
    expect((await me(w, t.token)).status).toBe(200);
    expect((await c.request("DELETE", `/api/v1/tokens/${t.id}`, { token: owner.token })).status).toBe(204);
    expect((await put(w, t.token, p.id, { description: "after revoke" })).status).toBe(401);
    expect((await me(w, t.token)).status).toBe(401);
    expect((await w.connectError({ auth: { token: t.token } })).message).toBe("AUTH_FAILED");
  });

  it("a removed member is refused at once (PUT 404, subscribe denied); a lowered role at once (403)", async () => {
    const { w, c, owner } = servers();
    const p = await c.createProject(owner);
    const m = await c.createUser("Member");
    const v = await c.createUser("Viewer-to-be");
    await c.addMember(owner, p.id, m, "member");
    await c.addMember(owner, p.id, v, "member");
    expect((await put(w, m.token, p.id, { description: "member edit" })).status).toBe(200);
    expect((await put(w, v.token, p.id, { description: "member edit 2" })).status).toBe(200);
    const sock = await w.connect({ auth: { token: m.token } });
    expect(await sock.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "success" });
    await sock.emitWithAck("unsubscribe", { project_id: p.id });

    expect((await c.request("DELETE", `/api/v1/projects/${p.id}/members/${m.id}`, { token: owner.token })).status).toBe(204);
    expect((await c.request("PUT", `/api/v1/projects/${p.id}/members/${v.id}`, { token: owner.token, body: { role: "viewer" } })).status).toBe(200);

    const removed = await put(w, m.token, p.id, { description: "after removal" });
    expect(removed.status).toBe(404);
    expect((await w.request("GET", `/api/v1/projects/${p.id}`, { token: m.token })).status).toBe(404);
    expect(await sock.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    expect((await put(w, v.token, p.id, { description: "as viewer" })).status).toBe(403);
    // Nothing was written by the refused PUTs.
    const now = await c.request("GET", `/api/v1/projects/${p.id}`, { token: owner.token });
    expect(now.body.description).toBe("member edit 2");
  });

  it("a disabled account is refused at once", async () => {
    const { w, c, admin, owner } = servers();
    const p = await c.createProject(owner);
    const u = await c.createUser("To disable");
    await c.addMember(owner, p.id, u, "member");
    const t = await mkToken(c, u);
    expect((await put(w, u.token, p.id, { description: "before disable" })).status).toBe(200);
    expect((await put(w, t.token, p.id, { description: "before disable (token)" })).status).toBe(200);
    expect((await c.request("PATCH", `/api/v1/users/${u.id}`, { token: admin.token, body: { disabled: true } })).status).toBe(200);
    expect((await put(w, u.token, p.id, { description: "after disable" })).status).toBe(401);
    expect((await put(w, t.token, p.id, { description: "after disable (token)" })).status).toBe(401);
    expect((await w.connectError({ auth: { token: u.token } })).message).toBe("AUTH_FAILED");
  });

  it("a membership added after a refusal is honoured at once (the cached 'not a member' is dropped)", async () => {
    const { w, c, owner } = servers();
    const p = await c.createProject(owner);
    const u = await c.createUser("Joins later");
    expect((await put(w, u.token, p.id, { description: "not yet" })).status).toBe(404); // cached: no role
    await c.addMember(owner, p.id, u, "member");
    expect((await put(w, u.token, p.id, { description: "now a member" })).status).toBe(200);
  });

  it("a project changed on one side is compared with its new columns on the other (no stale 'nothing changed')", async () => {
    const { w, c, owner } = servers();
    const p = await c.createProject(owner, { description: "d1" });
    expect((await put(w, owner.token, p.id, { description: "d1" })).body.description).toBe("d1"); // no change: columns cached on w
    expect((await put(c, owner.token, p.id, { description: "d2" })).body.description).toBe("d2");
    const back = await put(w, owner.token, p.id, { description: "d1" });
    expect(back.status).toBe(200);
    expect(back.body.description).toBe("d1");
    expect((await c.request("GET", `/api/v1/projects/${p.id}`, { token: owner.token })).body.description).toBe("d1");
  });

  it("a deleted project is gone at once for those who had it cached", async () => {
    const { w, c, owner } = servers();
    const p = await c.createProject(owner);
    expect((await put(w, owner.token, p.id, { description: "x" })).status).toBe(200);
    expect((await c.request("DELETE", `/api/v1/projects/${p.id}`, { token: owner.token })).status).toBe(204);
    expect((await put(w, owner.token, p.id, { description: "y" })).status).toBe(404);
  });
}

describe("cached lookups: one process", () => {
  let s: TestServer;
  let admin: TestUser;
  let owner: TestUser;
  beforeAll(async () => {
    s = await startServer({ env: { RATE_LIMIT_REST_PER_MINUTE: "100000" } });
    admin = await s.createUser("Admin");
    owner = await s.createUser("Owner");
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });
  cases(() => ({ w: s, c: s, admin, owner }));
});

describe.runIf(usesPg && usesRedis)("cached lookups: two processes (PostgreSQL + Redis), withdrawn on one, refused on the other", () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  let admin: TestUser;
  let owner: TestUser;
  beforeAll(async () => {
    pair = await startPair({ RATE_LIMIT_REST_PER_MINUTE: "100000" });
    admin = await pair.a.createUser("Admin");
    owner = await pair.a.createUser("Owner");
  }, 180_000);
  afterAll(async () => {
    await pair?.stop();
  });
  cases(() => ({ w: pair.b, c: pair.a, admin, owner }));
});
