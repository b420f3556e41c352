// Attacks 11 and 12 (issue #10): one socket joined 600 random agent:<uuid> rooms; a 19-digit cursor above
// int64 (after=9999999999999999999) answered 500 INTERNAL. Now unknown agent rooms are refused, a socket is
// in at most SOCKET_MAX_ROOMS rooms (default 200), and cursors are validated as int64 (400, never 500) on
// REST and in subscribe/join_job `since`. Real server, real socket.io clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let owner: TestUser;

beforeAll(async () => {
  // Limits on commands and requests out of the way: the attack is about rooms, not rates.
  s = await startServer({ env: { RATE_LIMIT_COMMANDS_PER_SECOND: "100000", RATE_LIMIT_REST_PER_MINUTE: "100000" } });
  owner = await s.createUser("Owner");
}, 120_000);
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

const roomsOf = async (c: any) => ((await c.emitWithAck("debug:rooms", {})) as { rooms: string[] }).rooms;

describe("attack 12: cursors are int64", () => {
  it.each(["9999999999999999999", "9223372036854775808", "-1", "1e3", "abc", "12345678901234567890"])("GET /projects/{id}/events?after=%s is 400 VALIDATION_FAILED", async (after) => {
    const p = await s.createProject(owner);
    const r = await s.request("GET", `/api/v1/projects/${p.id}/events?after=${encodeURIComponent(after)}`, { token: owner.token });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(r.body.error.details)).toContain("after");
  });

  it("the largest int64 is a valid (empty) page", async () => {
    const p = await s.createProject(owner);
    const r = await s.request("GET", `/api/v1/projects/${p.id}/events?after=9223372036854775807`, { token: owner.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ events: [], next_after: "9223372036854775807", reset: false });
  });

  it("subscribe and join_job refuse since above int64 with VALIDATION_FAILED; the socket lives on", async () => {
    const p = await s.createProject(owner);
    const c = await s.connect({ auth: { token: owner.token } });
    for (const since of ["9999999999999999999", "9223372036854775808", 1e20, -1, 1.5]) {
      const ack = await c.emitWithAck("subscribe", { project_id: p.id, since });
      expect(ack, String(since)).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
      expect(JSON.stringify(ack.details)).toContain("since");
      expect(await c.emitWithAck("join_job", { job_id: randomUUID(), since })).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    }
    expect(await c.emitWithAck("subscribe", { project_id: p.id, since: "9223372036854775807" })).toMatchObject({ status: "success", room: `project:${p.id}`, replayed: 0, reset: false });
    expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
  });
});

describe("attack 11: rooms per socket are bounded", () => {
  it("600 random agent:<uuid> rooms are all refused (unknown agents); the socket stays in its own rooms", async () => {
    const c = await s.connect({ auth: { token: owner.token } });
    // In batches under the cap: each is refused for what it is (no such agent).
    for (let batch = 0; batch < 6; batch++) {
      const acks = await Promise.all(Array.from({ length: 100 }, () => c.emitWithAck("subscribe", { room: `agent:${randomUUID()}` })));
      expect(new Set(acks.map((a: any) => a.code))).toEqual(new Set(["ROOM_ACCESS_DENIED"]));
    }
    // All 600 at once: joins under way count against the cap too, so past it they are refused before any lookup.
    const burst = await Promise.all(Array.from({ length: 600 }, () => c.emitWithAck("subscribe", { room: `agent:${randomUUID()}` })));
    expect(new Set(burst.map((a: any) => a.code))).toEqual(new Set(["ROOM_ACCESS_DENIED", "TOO_MANY_ROOMS"]));
    expect((await roomsOf(c)).sort()).toEqual(["global", `user:${owner.id}`]);
  }, 60_000);

  it("a socket is in at most 200 rooms (SOCKET_MAX_ROOMS), even when it asks for them all at once; leaving one makes room", async () => {
    const p = await s.createProject(owner);
    const ids: string[] = [];
    for (let i = 0; i < 205; i++) {
      const w = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: owner.token, body: { name: `w${i}` } });
      expect(w.status).toBe(201);
      ids.push(w.body.id);
    }
    const c = await s.connect({ auth: { token: owner.token } });
    const acks = await Promise.all(ids.map((id) => c.emitWithAck("subscribe", { room: `workflow:${id}` })));
    const ok = acks.filter((a: any) => a.status === "success").length;
    const refused = acks.filter((a: any) => a.code === "TOO_MANY_ROOMS");
    expect(ok).toBe(198); // + user:<id> and global = 200
    expect(refused.length).toBe(7);
    expect(refused[0]).toMatchObject({ status: "error", code: "TOO_MANY_ROOMS", message: expect.stringContaining("200"), details: { max_rooms: 200 } });
    expect((await roomsOf(c)).length).toBe(200);
    // subscribing again to a room it is in is not a new room
    const joined = ids.find((_, i) => (acks[i] as any).status === "success")!;
    expect(await c.emitWithAck("subscribe", { room: `workflow:${joined}` })).toMatchObject({ status: "success" });
    const left = ids.find((_, i) => (acks[i] as any).status !== "success")!;
    expect(await c.emitWithAck("unsubscribe", { room: `workflow:${joined}` })).toMatchObject({ status: "success" });
    expect(await c.emitWithAck("subscribe", { room: `workflow:${left}` })).toMatchObject({ status: "success" });
    expect((await roomsOf(c)).length).toBe(200);
  }, 120_000);
});
