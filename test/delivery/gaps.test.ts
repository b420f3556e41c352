// Issue 17, deliverable 1: explicit gaps. A `since` older than what retention kept gets `reset: true` (socket
// subscribe and REST ?after=) instead of a silently partial replay; every subscribe with since says how many
// events it replayed and up to which id. A real server with a per-room cap of 3 and a pass every second.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";
import { until } from "./helpers";

const PER_ROOM = 3;
let s: TestServer;
let owner: TestUser;

beforeAll(async () => {
  s = await startServer({ env: { EVENT_RETENTION_PER_ROOM: String(PER_ROOM), EVENT_RETENTION_INTERVAL_SECONDS: "1", RATE_LIMIT_REST_PER_MINUTE: "100000" } });
  owner = await s.createUser("Owner");
});
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

const put = async (projectId: string, description: string) => {
  const r = await s.request("PUT", `/api/v1/projects/${projectId}`, { token: owner.token, body: { description } });
  expect(r.status).toBe(200);
};
const page = (projectId: string, after: string) => s.request("GET", `/api/v1/projects/${projectId}/events?after=${after}&limit=100`, { token: owner.token });

describe("subscribe acks say what was replayed", () => {
  it("a new room with since=0 is not a reset; the ack counts the replay and names the newest id", async () => {
    const p = await s.createProject(owner);
    await put(p.id, "one");
    await put(p.id, "two");
    const c = await s.connect({ auth: { token: owner.token } });
    const got = record(c);
    const ack = await c.emitWithAck("subscribe", { project_id: p.id, since: "0" });
    const replayed = got.filter((e) => e.payload?.room === `project:${p.id}`).map((e) => e.payload);
    expect(replayed.filter((e) => e.type === "project.updated").map((e) => e.data.description)).toEqual(["one", "two"]);
    const [oldest, newest] = [replayed[0].id, replayed.at(-1).id];
    expect(ack).toEqual({ status: "success", room: `project:${p.id}`, replayed: replayed.length, reset: false, oldest_id: oldest, latest_id: newest });
    // Nothing missed since the newest: replayed 0, same newest id.
    const again = await s.connect({ auth: { token: owner.token } });
    expect(await again.emitWithAck("subscribe", { project_id: p.id, since: newest })).toEqual({
      status: "success",
      room: `project:${p.id}`,
      replayed: 0,
      reset: false,
      oldest_id: oldest,
      latest_id: newest,
    });
    // Without since: no replay, only the room's newest id (to re-join from after a drop).
    expect(await s.connect({ auth: { token: owner.token } }).then((x) => x.emitWithAck("subscribe", { project_id: p.id }))).toEqual({ status: "success", room: `project:${p.id}`, replayed: 0, latest_id: newest });
  });

  it("a room that never had an event: replayed 0, no ids, no reset (join_job too)", async () => {
    const c = await s.connect({ auth: { token: owner.token } });
    const jobId = "00000000-0000-4000-8000-00000000abcd";
    const ack = await c.emitWithAck("join_job", { job_id: jobId, since: "0" });
    // (an unknown job is refused or joined depending on the access rules; when joined, it is not a reset)
    if (ack.status === "success") expect(ack).toMatchObject({ replayed: 0, reset: false, oldest_id: null, latest_id: null });
  });
});

describe("past retention: reset", () => {
  it("a since older than the kept events gets reset: true with oldest_id and latest_id (socket and REST); a since within them does not", async () => {
    const p = await s.createProject(owner);
    const c0 = await s.connect({ auth: { token: owner.token } });
    await c0.emitWithAck("subscribe", { project_id: p.id });
    const firstSeen = nextEvent(c0, "project.updated");
    await put(p.id, "u1");
    const first = (await firstSeen).id as string;
    c0.disconnect();
    for (let i = 2; i <= 10; i++) await put(p.id, `u${i}`);
    // The retention pass (every second) cuts the room to its newest PER_ROOM events.
    await until("retention cut the room", async () => (await page(p.id, "0")).body.events.length <= PER_ROOM);

    const rest = await page(p.id, first);
    expect(rest.status).toBe(200);
    expect(rest.body.reset).toBe(true);
    const kept = rest.body.events as { id: string; data: { description: string } }[];
    expect(kept.map((e) => e.data.description)).toEqual(["u8", "u9", "u10"]);
    expect(rest.body).toMatchObject({ oldest_id: kept[0]!.id, latest_id: kept[2]!.id, next_after: kept[2]!.id });
    // Paging on from what is kept is continuous again.
    expect((await page(p.id, kept[0]!.id)).body).toMatchObject({ reset: false, events: [{ id: kept[1]!.id }, { id: kept[2]!.id }] });

    const c = await s.connect({ auth: { token: owner.token } });
    const got = record(c);
    const ack = await c.emitWithAck("subscribe", { project_id: p.id, since: first });
    expect(ack).toEqual({ status: "success", room: `project:${p.id}`, replayed: 3, reset: true, oldest_id: kept[0]!.id, latest_id: kept[2]!.id });
    expect(got.filter((e) => e.name === "project.updated").map((e) => e.payload.id)).toEqual(kept.map((e) => e.id));
    // since=0 on a trimmed room is a reset too; since at the oldest kept event is not.
    expect(await (await s.connect({ auth: { token: owner.token } })).emitWithAck("subscribe", { project_id: p.id, since: "0" })).toMatchObject({ reset: true, replayed: 3 });
    expect(await (await s.connect({ auth: { token: owner.token } })).emitWithAck("subscribe", { project_id: p.id, since: kept[0]!.id })).toMatchObject({ reset: false, replayed: 2 });
    // Live events follow the reset join as usual.
    const live = nextEvent(c, "project.updated", (e) => e.data.description === "live");
    await put(p.id, "live");
    expect(BigInt((await live).id)).toBeGreaterThan(BigInt(kept[2]!.id));
  });
});
