// The REST publish path (issue #11 part 2): `PUT /api/v1/projects/{id}` writes its change in one statement
// (committed without its own WAL flush: the event INSERT's flush covers it), both copies of project.updated
// in one group commit, keeps the row as stored in this process's cache, and is served straight from
// server.ts without Next's route runtime (lib/api/direct.ts). Each of those must be invisible to clients:
// the answer is what is stored, a repeat that changes nothing is a no-op without an event, and the answers
// (errors included) are the ones Next served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let owner: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  s = await startServer({ env: { RATE_LIMIT_REST_PER_MINUTE: "100000" } });
  owner = await s.createUser("Owner");
  viewer = await s.createUser("Viewer");
});
afterAll(async () => {
  await s?.stop();
});

const put = (id: string, body: unknown, token = owner.token, headers?: Record<string, string>) => s.request("PUT", `/api/v1/projects/${id}`, { token, body, headers });
const events = async (id: string) => (await s.request("GET", `/api/v1/projects/${id}/events?after=0&limit=500`, { token: owner.token })).body.events as { id: string; type: string; room: string; data: any }[];

describe("PUT /projects/{id}: one statement, one group commit, the row kept as stored", () => {
  it("answers what is stored (text, enum, bigint columns; a masked URL) and publishes it to the project room, then the updater's", async () => {
    const p = await s.createProject(owner, { description: "before" });
    await s.addMember(owner, p.id, viewer, "viewer");
    const watcher = await s.connect({ auth: { token: viewer.token } });
    expect(await watcher.emitWithAck("subscribe", { room: `project:${p.id}` })).toMatchObject({ status: "success" });
    const seen = new Promise<any>((resolve) => watcher.once("project.updated", resolve));
    // The owner's own socket is in user:<owner> (not subscribed to the project): it gets the updater's copy.
    const self = await s.connect({ auth: { token: owner.token } });
    const selfSeen = new Promise<any>((resolve) => self.once("project.updated", resolve));
    const body = { name: "Renamed", description: "after", status: "archived", test_command: "npm test", monthly_token_budget: 999_999_999_999 };
    const r = await put(p.id, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const got = await s.request("GET", `/api/v1/projects/${p.id}`, { token: owner.token });
    expect(r.body).toEqual(got.body);
    expect(r.body).toMatchObject({ ...body, role: "owner", created_at: p.created_at });
    expect(new Date(r.body.updated_at).getTime()).toBeGreaterThan(new Date(p.updated_at as string).getTime());
    expect(new Date(r.body.updated_at).toISOString()).toBe(r.body.updated_at);

    const env = await seen;
    expect(env.data).toMatchObject({ id: p.id, name: "Renamed", status: "archived", updated_at: r.body.updated_at, changes: { status: "updated" }, updated_by: owner.id });
    expect([...env.data.changes.fields].sort()).toEqual(Object.keys(body).sort());
    // Both copies stored, the project room's first (one multi-row INSERT keeps the order of its rows).
    const projectCopy = (await events(p.id)).filter((e) => e.type === "project.updated").at(-1)!;
    expect(projectCopy.id).toBe(env.id);
    const userCopy = await selfSeen;
    expect(userCopy.room).toBe(`user:${owner.id}`);
    expect(userCopy.data).toEqual(env.data);
    expect(BigInt(userCopy.id)).toBeGreaterThan(BigInt(env.id));
    watcher.disconnect();
    self.disconnect();
    // A repository URL is answered masked (the workspace is cloned again in the background, which touches the row).
    const repo = await put(p.id, { repository_url: "https://user:secret@github.com/acme/app.git" });
    expect(repo.status).toBe(200);
    expect(repo.body.repository_url).toBe("https://***@github.com/acme/app.git");
  });

  it("a repeat of the same change is a no-op (no UPDATE, no event) on the row kept from RETURNING; setting it back is a change", async () => {
    const p = await s.createProject(owner, { description: "d0" });
    const changes: Record<string, unknown>[] = [{ description: "d1" }, { name: "N1" }, { status: "archived" }, { test_command: "make check" }, { test_command: "" }, { monthly_token_budget: 123_456_789_012 }, { monthly_token_budget: null }];
    for (const change of changes) {
      const first = await put(p.id, change);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const count = (await events(p.id)).length;
      const again = await put(p.id, change);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body); // same updated_at: nothing was written
      expect((await events(p.id)).length, `repeat of ${JSON.stringify(change)} published`).toBe(count);
    }
    const back = await put(p.id, { description: "d0" });
    expect(back.body.description).toBe("d0");
    expect((await events(p.id)).at(-1)!.data).toMatchObject({ description: "d0", changes: { fields: ["description"] } });
  });

  it("changes from many requests at once: every answer is stored, events in order, the last write is the row", async () => {
    const p = await s.createProject(owner);
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => put(p.id, { description: `c${i}` })));
    for (const r of rs) expect(r.status).toBe(200);
    const evs = (await events(p.id)).filter((e) => e.type === "project.updated");
    expect(evs).toHaveLength(20);
    const ids = evs.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    const final = (await s.request("GET", `/api/v1/projects/${p.id}`, { token: owner.token })).body.description;
    // The row holds one of the writes, and a repeat of it is a no-op (the cache was not left on an older one).
    expect(rs.map((r) => r.body.description)).toContain(final);
    const count = (await events(p.id)).length;
    expect((await put(p.id, { description: final })).status).toBe(200);
    expect((await events(p.id)).length).toBe(count);
  });
});

describe("served without Next's route runtime: the same answers", () => {
  // Per response anyway: date, id, framing. Next also gzips (the small answers of this route gain nothing from it)
  // and adds `vary` for its React Server Components headers, which mean nothing for an API answer.
  const headersOf = (h: Headers) => Object.fromEntries([...h.entries()].filter(([k]) => !["date", "x-request-id", "content-length", "connection", "keep-alive", "transfer-encoding", "content-encoding", "vary"].includes(k)));

  it("404 for a UUID that is no project (served directly) is Next's 404 for an id that is not a UUID, headers included", async () => {
    const direct = await put("00000000-0000-4000-8000-000000000000", { name: "x" });
    const viaNext = await put("not-a-uuid", { name: "x" });
    expect(direct.status).toBe(404);
    expect(viaNext.status).toBe(404);
    expect(direct.body).toEqual(viaNext.body);
    expect(headersOf(direct.headers)).toEqual(headersOf(viaNext.headers));
    expect(direct.headers.get("x-request-id")).toBeTruthy();
  });

  it("401, 400, 403, 413 and PATCH keep the contract; Idempotency-Key replays", async () => {
    const p = await s.createProject(owner);
    await s.addMember(owner, p.id, viewer, "viewer");
    expect((await put(p.id, { name: "x" }, "")).status).toBe(401);
    expect((await put(p.id, { name: "x" }, "garbage")).body).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    expect((await put(p.id, { name: 42 })).body).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    expect((await put(p.id, "{not json")).status).toBe(400);
    expect((await put(p.id, { name: "x" }, viewer.token)).status).toBe(403);
    expect((await put(p.id, { description: "d".repeat(2 * 1024 * 1024) })).body).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    const patched = await s.request("PATCH", `/api/v1/projects/${p.id}`, { token: owner.token, body: { name: "Patched" } });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe("Patched");
    const key = `k-${Date.now()}`;
    const a = await put(p.id, { description: "once" }, owner.token, { "Idempotency-Key": key });
    const b = await put(p.id, { description: "once" }, owner.token, { "Idempotency-Key": key });
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect((await put(p.id, { description: "other" }, owner.token, { "Idempotency-Key": key })).status).toBe(422);
  });

  it("a chunked body past the 1 MB limit is 413 and an unread body (401 before reading) does not stall the connection", async () => {
    const p = await s.createProject(owner);
    const chunk = new TextEncoder().encode(`{"description":"${"d".repeat(64 * 1024)}`);
    let sent = 0;
    const big = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 40) c.enqueue(chunk); // ≈ 2.6 MB, no content-length
        else c.close();
      },
    });
    const r = await fetch(`${s.url}/api/v1/projects/${p.id}`, { method: "PUT", headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" }, body: big, duplex: "half" } as RequestInit);
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    for (let i = 0; i < 3; i++) {
      expect((await put(p.id, { description: "x".repeat(300_000) }, "garbage")).status).toBe(401);
      expect((await put(p.id, { description: `after ${i}` })).body.description).toBe(`after ${i}`);
    }
  });

  it("a query string and encoded ids still reach the route (directly or through Next)", async () => {
    const p = await s.createProject(owner);
    expect((await s.request("PUT", `/api/v1/projects/${p.id}?x=1`, { token: owner.token, body: { description: "q" } })).body.description).toBe("q");
    // An upper-case UUID is taken directly; its answer is the one GET (through Next) gives for it.
    const upper = await s.request("PUT", `/api/v1/projects/${p.id.toUpperCase()}`, { token: owner.token, body: { description: "u" } });
    expect(upper.status).toBe((await s.request("GET", `/api/v1/projects/${p.id.toUpperCase()}`, { token: owner.token })).status);
    // A trailing slash is Next's (as before): never a 5xx.
    expect((await s.request("PUT", `/api/v1/projects/${p.id}/`, { token: owner.token, body: { description: "s" } })).status).toBeLessThan(500);
  });
});
