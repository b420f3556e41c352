// The browser's RealtimeClient on a replay ack (lib/client/realtime-client.ts): `reset: true` calls onReset
// (the provider refetches the room's queries and shows a quiet note), `latest_id` becomes the next `since`,
// and a plain ack does neither; a resync while a join is under way joins again after it; an envelope met twice
// is delivered once. A scripted fake socket stands in for Socket.IO (test/integration/realtime-client.test.ts
// runs the client against a real server).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealtimeClient } from "@/lib/client/realtime-client";

type Listener = (...args: any[]) => void;

class FakeSocket {
  connected = false;
  active = true;
  sent: { event: string; payload: any }[] = [];
  private listeners = new Map<string, Set<Listener>>();
  constructor(private answer: (event: string, payload: any) => unknown) {}
  on(e: string, l: Listener) {
    if (!this.listeners.has(e)) this.listeners.set(e, new Set());
    this.listeners.get(e)!.add(l);
  }
  off(e: string, l: Listener) {
    this.listeners.get(e)?.delete(l);
  }
  anyListener: Listener | null = null;
  onAny(l: Listener) {
    this.anyListener = l;
  }
  offAny() {
    this.anyListener = null;
  }
  fire(e: string, ...args: any[]) {
    for (const l of this.listeners.get(e) ?? []) l(...args);
  }
  connect() {
    this.connected = true;
    for (const l of this.listeners.get("connect") ?? []) l();
  }
  disconnect() {
    this.connected = false;
  }
  drop() {
    this.connected = false;
    for (const l of this.listeners.get("disconnect") ?? []) l("transport close");
  }
  timeout() {
    return { emitWithAck: async (event: string, payload: any) => (this.sent.push({ event, payload }), this.answer(event, payload)) };
  }
}

const g = globalThis as any;
let hadWindow: boolean;
let navigatorDesc: PropertyDescriptor | undefined;
beforeAll(() => {
  hadWindow = "window" in g;
  g.window ??= { addEventListener() {}, removeEventListener() {} };
  navigatorDesc = Object.getOwnPropertyDescriptor(g, "navigator");
  Object.defineProperty(g, "navigator", { value: { onLine: true }, configurable: true, writable: true });
});
afterAll(() => {
  if (!hadWindow) delete g.window;
  if (navigatorDesc) Object.defineProperty(g, "navigator", navigatorDesc);
  else delete g.navigator;
});

const tick = () => new Promise((r) => setTimeout(r, 10));
const ROOM = "job:00000000-0000-4000-8000-000000000001";

describe("RealtimeClient and replay acks", () => {
  it("reset: true → onReset once; latest_id is the next since", async () => {
    const resets: string[] = [];
    let reply: any = { status: "success", room: ROOM, replayed: 2, reset: true, oldest_id: "40", latest_id: "42" };
    // `global` (always wanted by the client) gets a plain ack; the room under test the scripted one.
    const socket = new FakeSocket((_e, payload) => (payload.room === ROOM ? reply : { status: "success", room: payload.room, replayed: 0, latest_id: null }));
    const client = new RealtimeClient({ onEnvelope() {}, onFreshJoin() {}, onReset: (room) => resets.push(room), onAuthError() {} });
    client.start(socket as never);
    client.acquire(ROOM, "5");
    await tick();
    expect(socket.sent.at(-1)).toEqual({ event: "subscribe", payload: { room: ROOM, since: "5" } });
    expect(resets).toEqual([ROOM]);
    // Reconnect: re-joined from latest_id (not from 5 again), and a plain ack is no reset.
    reply = { status: "success", room: ROOM, replayed: 0, reset: false, oldest_id: "40", latest_id: "42" };
    socket.drop();
    socket.connect();
    await tick();
    expect(socket.sent.at(-1)).toEqual({ event: "subscribe", payload: { room: ROOM, since: "42" } });
    expect(resets).toEqual([ROOM]);
    client.stop();
  });
});

describe("RealtimeClient, resyncs and dedupe", () => {
  it("a resync that comes while a join is under way re-joins the room after it, with since", async () => {
    let release!: (v: unknown) => void;
    const socket = new FakeSocket((_e, payload) =>
      payload.room === ROOM && !payload.since ? new Promise((r) => (release = r)) : { status: "success", room: payload.room, replayed: 0, latest_id: "7" },
    );
    const client = new RealtimeClient({ onEnvelope() {}, onFreshJoin() {}, onReset() {}, onAuthError() {} });
    client.start(socket as never);
    client.acquire(ROOM);
    await tick();
    socket.fire("resync", { type: "server.resync" });
    release({ status: "success", room: ROOM, replayed: 0, latest_id: "5" });
    await tick();
    const joins = socket.sent.filter((x) => x.payload.room === ROOM);
    expect(joins.map((x) => x.payload)).toEqual([{ room: ROOM }, { room: ROOM, since: "5" }]);
    client.stop();
  });

  it("an envelope met twice (live and in a replay) is delivered once", async () => {
    const got: string[] = [];
    const socket = new FakeSocket((_e, payload) => ({ status: "success", room: payload.room, replayed: 0, latest_id: null }));
    const client = new RealtimeClient({ onEnvelope: (e) => got.push(e.id), onFreshJoin() {}, onReset() {}, onAuthError() {} });
    client.start(socket as never);
    client.acquire(ROOM);
    await tick();
    const env = (id: string) => ({ id, type: "project.updated", room: ROOM, timestamp: "", source: "t", trace_id: null, data: {} });
    for (const id of ["10", "11", "10", "12", "11"]) socket.anyListener!("project.updated", env(id));
    socket.anyListener!("not_an_event", env("13"));
    expect(got).toEqual(["10", "11", "12"]);
    // The room's since moved with what was received: a re-join goes from 12.
    socket.drop();
    socket.connect();
    await tick();
    expect(socket.sent.at(-1)).toEqual({ event: "subscribe", payload: { room: ROOM, since: "12" } });
    client.stop();
  });
});
