// The browser's RealtimeClient on a replay ack (lib/client/realtime-client.ts): `reset: true` calls onReset
// (the provider refetches the room's queries and shows a quiet note), `latest_id` becomes the next `since`,
// and a plain ack does neither. A scripted fake socket stands in for Socket.IO.
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
  onAny() {}
  offAny() {}
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
    const socket = new FakeSocket(() => reply);
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
