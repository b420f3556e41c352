// Socket.IO against a real server with real socket.io-clients: auth, every command, every error code,
// room access, replay with since, fan-out, payload limits, cleanup.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { io } from "socket.io-client";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let admin: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  s = await startServer({ env: { CORS_ORIGINS: "https://allowed.example" } });
  admin = await s.createUser("Admin");
  bob = await s.createUser("Bob");
  carol = await s.createUser("Carol");
});
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

const stats = async () => (await s.request("GET", "/api/v1/websocket/stats", { token: admin.token })).body;
const sign = (sub: string, secret: string, exp: number) =>
  new SignJWT({ typ: "access" }).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setIssuer("switchboard").setExpirationTime(exp).sign(new TextEncoder().encode(secret));

async function waitFor(fn: () => Promise<boolean>, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}

describe("connection", () => {
  it("accepts auth.token, ?token= and the session cookie; sends connection_established", async () => {
    const a = io(s.url, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token: bob.token } });
    const established = await nextEvent(a, "connection_established");
    expect(established).toEqual({
      type: "connection.established",
      timestamp: expect.any(String),
      data: { connection_id: expect.stringMatching(/^[0-9a-f-]{36}$/), user_id: bob.id, protocol_version: "1.0" },
    });
    a.disconnect();
    const b = await s.connect({ query: { token: bob.token } });
    expect((await b.emitWithAck("debug:rooms", {})).rooms.sort()).toEqual(["global", `user:${bob.id}`]);
    const cookie = await s.sessionCookie(carol);
    const c = await s.connect({ extraHeaders: { cookie } });
    expect((await c.emitWithAck("debug:rooms", {})).rooms).toContain(`user:${carol.id}`);
  });

  it("refuses with AUTH_MISSING / AUTH_FAILED exactly as the contract says", async () => {
    const missing = await s.connectError();
    expect(missing.message).toBe("AUTH_MISSING");
    expect(missing.data).toEqual({ code: "AUTH_MISSING", message: expect.any(String) });
    for (const auth of [
      { token: "garbage" },
      { token: await sign(bob.id, s.env.AUTH_SECRET!, Math.floor(Date.now() / 1000) - 5) }, // expired
      { token: await sign(bob.id, "some-other-secret-entirely", Math.floor(Date.now() / 1000) + 600) }, // forged
      { token: await sign("00000000-0000-0000-0000-000000000000", s.env.AUTH_SECRET!, Math.floor(Date.now() / 1000) + 600) }, // no such user
    ]) {
      const e = await s.connectError({ auth });
      expect(e.message).toBe("AUTH_FAILED");
      expect(e.data).toEqual({ code: "AUTH_FAILED", message: expect.any(String) });
    }
    const badCookie = await s.connectError({ extraHeaders: { cookie: "next-auth.session-token=forged" } });
    expect(badCookie.message).toBe("AUTH_FAILED");
  });

  it("CORS: refuses a foreign Origin, allows the allowlisted one", async () => {
    const refused = await s.connectError({ auth: { token: bob.token }, extraHeaders: { origin: "https://evil.example" } });
    expect(refused.message).not.toBe("AUTH_FAILED");
    await s.connect({ auth: { token: bob.token }, extraHeaders: { origin: "https://allowed.example" } });
    const pre = await fetch(`${s.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://allowed.example" } });
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://allowed.example");
    const preEvil = await fetch(`${s.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://evil.example" } });
    expect(preEvil.headers.get("access-control-allow-origin")).toBeNull();
    const rest = await fetch(`${s.url}/api/v1/projects`, { method: "OPTIONS", headers: { origin: "https://allowed.example", "access-control-request-method": "POST" } });
    expect(rest.headers.get("access-control-allow-origin")).toBe("https://allowed.example");
    const restEvil = await fetch(`${s.url}/api/v1/projects`, { headers: { origin: "https://evil.example" } });
    expect(restEvil.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("namespace /ws behaves like /", async () => {
    const p = await s.createProject(bob);
    const ws = await s.connect({ namespace: "/ws", auth: { token: bob.token } });
    expect(await ws.emitWithAck("subscribe", { project_id: p.id })).toEqual({ status: "success", room: `project:${p.id}`, replayed: 0, latest_id: expect.toBeOneOf([null, expect.stringMatching(/^\d+$/)]) });
    const got = nextEvent(ws, "project.updated");
    await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { name: "via ws" } });
    expect((await got).data.name).toBe("via ws");
  });
});

describe("commands", () => {
  it("ping and debug:rooms", async () => {
    const c = await s.connect({ auth: { token: bob.token } });
    const pong = await c.emitWithAck("ping", {});
    expect(pong).toEqual({ status: "pong", server_time: expect.any(String) });
    expect(Math.abs(new Date(pong.server_time).getTime() - Date.now())).toBeLessThan(60_000);
    expect(await c.emitWithAck("ping")).toMatchObject({ status: "pong" });
  });

  it("subscribe / unsubscribe by project_id and by room", async () => {
    const p = await s.createProject(bob);
    const c = await s.connect({ auth: { token: bob.token } });
    expect(await c.emitWithAck("subscribe", { project_id: p.id })).toEqual({ status: "success", room: `project:${p.id}`, replayed: 0, latest_id: expect.toBeOneOf([null, expect.stringMatching(/^\d+$/)]) });
    expect((await c.emitWithAck("debug:rooms", {})).rooms).toContain(`project:${p.id}`);
    expect(await c.emitWithAck("unsubscribe", { room: `project:${p.id}` })).toEqual({ status: "success", room: `project:${p.id}` });
    expect((await c.emitWithAck("debug:rooms", {})).rooms).not.toContain(`project:${p.id}`);
    // agent:<id>: only agents that share a project with the caller; an unknown one is refused (issue #10)
    const unknown = "11111111-2222-4333-8444-555555555555";
    expect(await c.emitWithAck("subscribe", { room: `agent:${unknown}` })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    const agent = (await s.request("POST", "/api/v1/agents", { token: bob.token, body: { name: "Bot", project_ids: [p.id] } })).body.id;
    expect(await c.emitWithAck("subscribe", { room: `agent:${agent}` })).toMatchObject({ status: "success", room: `agent:${agent}` });
    expect(await c.emitWithAck("subscribe", { room: "global" })).toMatchObject({ status: "success" });
    // unsubscribed: no more events
    const events = record(c);
    await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { name: "quiet" } });
    expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
    // (the updater's own user:<id> room still gets its copy, seed 004; the project room's does not come)
    expect(events.filter((e) => e.name === "project.updated" && e.payload.room === `project:${p.id}`)).toEqual([]);
  });

  it("errors: INVALID_ROOM, ROOM_ACCESS_DENIED, VALIDATION_FAILED, UNKNOWN_COMMAND", async () => {
    const p = await s.createProject(bob);
    const c = await s.connect({ auth: { token: carol.token } });
    const err = (code: string) => ({ status: "error", code, message: expect.any(String) });
    expect(await c.emitWithAck("subscribe", { project_id: p.id })).toEqual(err("ROOM_ACCESS_DENIED"));
    expect(await c.emitWithAck("subscribe", { room: `user:${bob.id}` })).toEqual(err("ROOM_ACCESS_DENIED"));
    expect(await c.emitWithAck("subscribe", { room: "job:00000000-0000-4000-8000-000000000000" })).toEqual(err("ROOM_ACCESS_DENIED"));
    expect(await c.emitWithAck("subscribe", { room: "workflow:00000000-0000-4000-8000-000000000000" })).toEqual(err("ROOM_ACCESS_DENIED"));
    expect(await c.emitWithAck("join_job", { job_id: "00000000-0000-4000-8000-000000000000" })).toEqual(err("ROOM_ACCESS_DENIED"));
    for (const room of ["lobby", "project:123", `team:${p.id}`, ""]) expect(await c.emitWithAck("subscribe", { room })).toEqual(err("INVALID_ROOM"));
    expect(await c.emitWithAck("subscribe", { project_id: "not-a-uuid" })).toEqual(err("INVALID_ROOM"));
    expect(await c.emitWithAck("unsubscribe", { room: "lobby" })).toEqual(err("INVALID_ROOM"));
    expect(await c.emitWithAck("join_job", { job_id: "nope" })).toEqual(err("INVALID_ROOM"));
    expect(await c.emitWithAck("leave_job", { job_id: "nope" })).toEqual(err("INVALID_ROOM"));
    const v = await c.emitWithAck("subscribe", { room: 42 });
    expect(v).toMatchObject(err("VALIDATION_FAILED"));
    expect(v.details).toEqual([expect.objectContaining({ field: "room" })]);
    expect(await c.emitWithAck("subscribe", {})).toMatchObject(err("VALIDATION_FAILED"));
    expect(await c.emitWithAck("subscribe", { project_id: p.id, since: "yesterday" })).toMatchObject(err("VALIDATION_FAILED"));
    expect(await c.emitWithAck("join_job", { job_id: 7 })).toMatchObject(err("VALIDATION_FAILED"));
    expect(await c.emitWithAck("no_such_command", {})).toEqual(err("UNKNOWN_COMMAND"));
    // the socket is still healthy and in no forbidden room
    expect((await c.emitWithAck("debug:rooms", {})).rooms.sort()).toEqual(["global", `user:${carol.id}`]);
  });

  it("non-object and oversized payloads get an error ack, never a crash", async () => {
    const c = await s.connect({ auth: { token: bob.token } });
    for (const payload of ["a string", 42, null, [1, 2], true]) {
      expect(await c.emitWithAck("subscribe", payload)).toEqual({ status: "error", code: "VALIDATION_FAILED", message: expect.any(String) });
    }
    const big = { room: "global", pad: "x".repeat(1024 * 1024 + 10) };
    expect(await c.emitWithAck("subscribe", big)).toEqual({ status: "error", code: "PAYLOAD_TOO_LARGE", message: expect.any(String) });
    expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
    // beyond the transport limit the connection is closed, the server lives on
    const huge = await s.connect({ auth: { token: bob.token } });
    const closed = new Promise<string>((r) => huge.once("disconnect", (reason) => r(reason)));
    huge.emit("subscribe", { room: "global", pad: "x".repeat(5 * 1024 * 1024) });
    expect(await closed).toMatch(/transport/);
    expect(s.alive).toBe(true);
    expect((await s.request("GET", "/api/health")).status).toBe(200);
    expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
  });

  it("join_job / leave_job answer with the job room (job rooms of a real job: see test runs)", async () => {
    const c = await s.connect({ auth: { token: bob.token } });
    expect(await c.emitWithAck("leave_job", { job_id: "00000000-0000-4000-8000-000000000000" })).toEqual({ status: "success", room: "job:00000000-0000-4000-8000-000000000000" });
  });
});

describe("broadcast", () => {
  it("three clients receive one identical project.updated; a non-member receives nothing", async () => {
    const p = await s.createProject(bob);
    await s.addMember(bob, p.id, carol, "viewer");
    const clients = [await s.connect({ auth: { token: bob.token } }), await s.connect({ auth: { token: carol.token } }), await s.connect({ auth: { token: admin.token } })];
    for (const c of clients) expect(await c.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "success" });
    const outsider = await s.connect({ auth: { token: (await s.createUser("Outsider")).token } });
    const outsiderEvents = record(outsider);
    const received = clients.map((c) => nextEvent(c, "project.updated"));
    const put = await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { name: "Broadcast", description: "to all" } });
    expect(put.status).toBe(200);
    const [a, b, c] = await Promise.all(received);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: "project.updated",
      timestamp: expect.any(String),
      source: "project_service",
      room: `project:${p.id}`,
      trace_id: null,
      data: expect.objectContaining({ id: p.id, name: "Broadcast", description: "to all", changes: { status: "updated", fields: ["name", "description"] }, updated_by: bob.id }),
    });
    await outsider.emitWithAck("ping", {});
    expect(outsiderEvents.filter((e) => e.name.startsWith("project."))).toEqual([]);
  });

  it("project.created reaches the creator's other connections; project.deleted reaches the room", async () => {
    const tab = await s.connect({ auth: { token: bob.token } });
    const created = nextEvent(tab, "project.created");
    const p = await s.createProject(bob, { name: "Fresh" });
    expect((await created).data).toMatchObject({ id: p.id, name: "Fresh", created_by: bob.id });
    expect((await created).room).toBe(`user:${bob.id}`);
    await tab.emitWithAck("subscribe", { project_id: p.id });
    const deleted = nextEvent(tab, "project.deleted");
    await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: bob.token });
    expect((await deleted).data).toEqual({ id: p.id, project_id: p.id, name: "Fresh", deleted_by: bob.id });
  });

  it("a removed member's sockets leave the project room at once; a deleted project's room empties", async () => {
    const p = await s.createProject(bob);
    await s.addMember(bob, p.id, carol, "member");
    const carolTab = await s.connect({ auth: { token: carol.token } });
    await carolTab.emitWithAck("subscribe", { project_id: p.id });
    const removed = nextEvent(carolTab, "member.removed");
    await s.request("DELETE", `/api/v1/projects/${p.id}/members/${carol.id}`, { token: bob.token });
    expect((await removed).data).toMatchObject({ project_id: p.id, user_id: carol.id });
    expect((await carolTab.emitWithAck("debug:rooms", {})).rooms).not.toContain(`project:${p.id}`);
    const events = record(carolTab);
    await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { name: "secret now" } });
    const bobTab = await s.connect({ auth: { token: bob.token } });
    await bobTab.emitWithAck("subscribe", { project_id: p.id });
    const gone = nextEvent(bobTab, "project.deleted");
    await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: bob.token });
    await gone;
    expect((await bobTab.emitWithAck("debug:rooms", {})).rooms).not.toContain(`project:${p.id}`);
    expect(events.filter((e) => e.name === "project.updated")).toEqual([]);
  });

  it("member.added reaches the new member's user room", async () => {
    const p = await s.createProject(bob);
    const carolTab = await s.connect({ auth: { token: carol.token } });
    const added = nextEvent(carolTab, "member.added");
    await s.addMember(bob, p.id, carol, "member");
    expect((await added).data).toMatchObject({ project_id: p.id, user_id: carol.id, role: "member", added_by: bob.id });
  });
});

describe("replay with since", () => {
  it("sends the missed events of the room in order, then live ones", async () => {
    const p = await s.createProject(bob);
    const first = await s.connect({ auth: { token: bob.token } });
    await first.emitWithAck("subscribe", { project_id: p.id });
    const seen = nextEvent(first, "project.updated");
    await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { description: "seen" } });
    const lastSeen = (await seen).id;
    first.disconnect();
    for (let i = 1; i <= 4; i++) await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { description: `missed ${i}` } });

    const again = await s.connect({ auth: { token: bob.token } });
    const events = record(again);
    const ack = await again.emitWithAck("subscribe", { project_id: p.id, since: lastSeen });
    expect(ack).toEqual({ status: "success", room: `project:${p.id}`, replayed: 4, reset: false, oldest_id: expect.stringMatching(/^\d+$/), latest_id: expect.stringMatching(/^\d+$/) });
    const replayed = events.filter((e) => e.name === "project.updated").map((e) => e.payload);
    expect(replayed.map((e) => e.data.description)).toEqual(["missed 1", "missed 2", "missed 3", "missed 4"]);
    const ids = replayed.map((e) => BigInt(e.id));
    expect(ids.every((id, i) => id > BigInt(lastSeen) && (i === 0 || id > ids[i - 1]!))).toBe(true);
    const live = nextEvent(again, "project.updated", (e) => e.data.description === "live");
    await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { description: "live" } });
    expect(BigInt((await live).id)).toBeGreaterThan(ids[3]!);
    // since=0 replays the whole history; numbers are accepted too
    const fresh = await s.connect({ auth: { token: bob.token } });
    expect((await fresh.emitWithAck("subscribe", { project_id: p.id, since: 0 })).replayed).toBe(6);
  });

  it("replay does not lose or duplicate events published while it runs", async () => {
    const p = await s.createProject(bob);
    for (let i = 0; i < 30; i++) await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { description: `before ${i}` } });
    const c = await s.connect({ auth: { token: bob.token } });
    const events = record(c);
    const writes = (async () => {
      for (let i = 0; i < 20; i++) await s.request("PUT", `/api/v1/projects/${p.id}`, { token: bob.token, body: { description: `during ${i}` } });
    })();
    await c.emitWithAck("subscribe", { project_id: p.id, since: 0 });
    await writes;
    // (the project room's copies: bob's user room gets its own copy of each live update, seed 004)
    const inRoom = () => events.filter((e) => e.name === "project.updated" && e.payload.room === `project:${p.id}`);
    await waitFor(async () => inRoom().length >= 50);
    const got = inRoom().map((e) => e.payload);
    expect(got).toHaveLength(50);
    const ids = got.map((e) => BigInt(e.id));
    expect(new Set(ids.map(String)).size).toBe(50);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  });

  it("refuses replay of a room the caller may not join", async () => {
    const p = await s.createProject(bob);
    const c = await s.connect({ auth: { token: carol.token } });
    const events = record(c);
    expect(await c.emitWithAck("subscribe", { project_id: p.id, since: 0 })).toMatchObject({ code: "ROOM_ACCESS_DENIED" });
    expect(events.filter((e) => e.name.startsWith("project."))).toEqual([]);
  });
});

describe("cleanup", () => {
  it("stats count connections and rooms, and return to 0 after disconnects", async () => {
    s.closeSockets();
    await waitFor(async () => (await stats()).connections === 0);
    const p = await s.createProject(bob);
    const cs = [await s.connect({ auth: { token: bob.token } }), await s.connect({ auth: { token: bob.token } }), await s.connect({ namespace: "/ws", auth: { token: admin.token } })];
    for (const c of cs) await c.emitWithAck("subscribe", { project_id: p.id });
    const st = await stats();
    expect(st.connections).toBe(3);
    expect(st.rooms[`project:${p.id}`]).toBe(3);
    expect(st.rooms[`user:${bob.id}`]).toBe(2);
    expect(st.rooms.global).toBe(3);
    for (const c of cs) c.disconnect();
    await waitFor(async () => (await stats()).connections === 0);
    expect(await stats()).toEqual({ connections: 0, rooms: {} });
  });
});
