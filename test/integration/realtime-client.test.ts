// The browser's RealtimeClient (lib/client/realtime-client.ts) against a real server and a real socket.io-client:
// since tracked per room, every wanted room re-joined with it after a dropped connection (`global` and the
// user room included), missed events delivered once and in order, duplicates from a resync dropped, and a
// released room left. Only `window`/`navigator` are stood in for (Node has none).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { RealtimeClient, type ConnectionState } from "@/lib/client/realtime-client";
import type { AnyEnvelope as Envelope } from "@/lib/contract";
import { startServer, type TestServer, type TestUser } from "../support/server";
import { until } from "../delivery/helpers";

const g = globalThis as any;
let hadWindow: boolean;
let navigatorDesc: PropertyDescriptor | undefined;
let s: TestServer;
let owner: TestUser;
let p: { id: string };
let q: { id: string };

beforeAll(async () => {
  hadWindow = "window" in g;
  g.window ??= { addEventListener() {}, removeEventListener() {} };
  navigatorDesc = Object.getOwnPropertyDescriptor(g, "navigator");
  Object.defineProperty(g, "navigator", { value: { onLine: true }, configurable: true, writable: true });
  s = await startServer();
  owner = await s.createUser("Owner");
  p = await s.createProject(owner);
  q = await s.createProject(owner);
});
afterAll(async () => {
  await s?.stop();
  if (!hadWindow) delete g.window;
  if (navigatorDesc) Object.defineProperty(g, "navigator", navigatorDesc);
  else delete g.navigator;
});

type Harness = { client: RealtimeClient; socket: Socket; got: Envelope[]; sent: { event: string; payload: any }[]; states: ConnectionState[]; fresh: string[] };

function harness(token: string): Harness {
  // Socket.IO's own reconnection is off so the test decides when the connection comes back.
  const socket = io(s.url, { transports: ["websocket"], autoConnect: false, reconnection: false, forceNew: true, auth: { token } });
  const h: Harness = { client: null as never, socket, got: [], sent: [], states: [], fresh: [] };
  socket.onAnyOutgoing((event, payload) => h.sent.push({ event, payload }));
  h.client = new RealtimeClient({ onEnvelope: (e) => h.got.push(e), onFreshJoin: (r) => h.fresh.push(r), onReset() {}, onAuthError() {} });
  h.client.subscribeState(() => h.states.push(h.client.getState()));
  return h;
}

const describeProject = (id: string, description: string) => s.request("PUT", `/api/v1/projects/${id}`, { token: owner.token, body: { description } });
const joinedSince = (h: Harness, from: number) => Object.fromEntries(h.sent.slice(from).filter((x) => x.event === "subscribe").map((x) => [x.payload.room, x.payload.since]));
const ids = (list: Envelope[]) => list.map((e) => e.id);
// project.updated also goes to the updater's user room (seed 004): the rooms under test are the project rooms.
const inProjects = (h: Harness) => h.got.filter((e) => e.room.startsWith("project:"));

describe("RealtimeClient against a real server", () => {
  let h: Harness;
  const userRoom = () => `user:${owner.id}`;

  it("re-joins every wanted room — user, global, projects — with its own since; missed events arrive once, in order", async () => {
    h = harness(owner.token);
    h.client.acquire(userRoom());
    h.client.acquire(`project:${p.id}`);
    h.client.acquire(`project:${q.id}`);
    h.client.start(h.socket);
    await until("connected", () => h.client.getState() === "connected");
    expect(Object.keys(joinedSince(h, 0)).sort()).toEqual(["global", userRoom(), `project:${p.id}`, `project:${q.id}`].sort());
    expect(joinedSince(h, 0).global).toBe("0"); // global from the start, so a re-join can replay it
    const globalLatest = h.client["lastId"].get("global")!.toString(); // from its ack's latest_id
    // One live event per project room: each room's since moves to its own last id.
    await describeProject(p.id, "p live");
    await describeProject(q.id, "q live");
    await until("two live events", () => inProjects(h).length === 2);
    const [pLive, qLive] = [h.got.find((e) => e.room === `project:${p.id}`)!, h.got.find((e) => e.room === `project:${q.id}`)!];

    // The connection drops (the transport closes under the client); events are published meanwhile.
    h.socket.io.engine.close();
    await until("reconnecting", () => h.client.getState() === "reconnecting");
    for (const [id, text] of [[p.id, "p1"], [q.id, "q1"], [p.id, "p2"], [p.id, "p3"], [q.id, "q2"]] as const) {
      expect((await describeProject(id, text)).status).toBe(200);
    }
    const created = await s.createProject(owner); // project.created in the user room, which never had an event before
    const mark = h.sent.length;
    h.client.retry();
    await until("connected again", () => h.client.getState() === "connected");
    await until("every missed event", () => inProjects(h).length === 2 + 5 && h.got.some((e) => e.type === "project.created"), 20_000);

    const since = joinedSince(h, mark);
    expect(since[`project:${p.id}`]).toBe(pLive.id);
    expect(since[`project:${q.id}`]).toBe(qLive.id);
    expect(since.global).toBe(globalLatest); // re-joined with since, not fresh
    // The user room was joined fresh (its ack's latest_id: the newest event then): re-joined from there.
    expect(since[userRoom()]).toMatch(/^\d+$/);
    expect([...h.fresh].sort()).toEqual([userRoom(), `project:${p.id}`, `project:${q.id}`].sort()); // the first joins only
    const after = h.got.slice(h.got.indexOf(qLive) + 1);
    expect(after.filter((e) => e.room === userRoom() && e.type === "project.created").map((e) => [e.type, (e.data as any).id])).toEqual([["project.created", created.id]]);
    expect(after.filter((e) => e.room === `project:${p.id}`).map((e) => (e.data as any).description)).toEqual(["p1", "p2", "p3"]);
    expect(after.filter((e) => e.room === `project:${q.id}`).map((e) => (e.data as any).description)).toEqual(["q1", "q2"]);
    expect(new Set(ids(h.got)).size).toBe(h.got.length);
    for (const room of [`project:${p.id}`, `project:${q.id}`]) {
      const roomIds = h.got.filter((e) => e.room === room).map((e) => BigInt(e.id));
      expect(roomIds).toEqual([...roomIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    expect(h.states).toEqual(["connected", "reconnecting", "connected"]);
  }, 60_000);

  it("a resync that replays from 0 delivers nothing twice; the next event once", async () => {
    await new Promise((r) => setTimeout(r, 1000)); // the re-joins' acks are in (a resync during one is its own unit test)
    const before = inProjects(h).length;
    // A second holder of the room asks for its whole history: the next re-join goes from 0.
    const release = h.client.acquire(`project:${p.id}`, "0");
    const mark = h.sent.length;
    for (const l of h.socket.listeners("resync")) l({ type: "server.resync", timestamp: new Date().toISOString(), data: { reason: "test" } });
    await until("re-joined from 0", () => h.sent.slice(mark).some((x) => x.event === "subscribe" && x.payload.room === `project:${p.id}` && x.payload.since === "0"), 20_000).catch((e) => {
      const c = h.client as any;
      throw new Error(`${e.message}; mark ${mark}; all sent: ${JSON.stringify(h.sent)}; state ${h.client.getState()}; wanted ${JSON.stringify([...c.wanted])} joined ${JSON.stringify([...c.joined])} lastId ${[...c.lastId].map(([k, v]: any) => `${k}=${v}`)}`);
    });
    await new Promise((r) => setTimeout(r, 1000)); // the replay (all of p's events) lands: every one a duplicate
    expect(inProjects(h).length).toBe(before);
    await describeProject(p.id, "after resync");
    await until("the new event", () => inProjects(h).length === before + 1);
    expect((inProjects(h).at(-1)!.data as any).description).toBe("after resync");
    release();
  }, 30_000);

  it("a released room is left: its events stop arriving", async () => {
    const other = harness(owner.token);
    const release = other.client.acquire(`project:${q.id}`);
    other.client.start(other.socket);
    await until("connected", () => other.client.getState() === "connected");
    await until("q subscribed", () => other.sent.some((x) => x.event === "subscribe" && x.payload.room === `project:${q.id}`));
    await new Promise((r) => setTimeout(r, 500)); // its ack
    await describeProject(q.id, "seen");
    await until("seen", () => other.got.some((e) => (e.data as any).description === "seen"));
    release();
    await until("unsubscribed", () => other.sent.some((x) => x.event === "unsubscribe" && x.payload.room === `project:${q.id}`));
    await new Promise((r) => setTimeout(r, 300));
    await describeProject(q.id, "unseen");
    await until("h saw it", () => h.got.some((e) => (e.data as any).description === "unseen"));
    expect(other.got.some((e) => e.room === `project:${q.id}` && (e.data as any).description === "unseen")).toBe(false);
    other.client.stop();
    h.client.stop();
  }, 30_000);
});
