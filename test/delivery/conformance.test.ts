// Delivery conformance (docs/DELIVERY.md), with real processes: two servers sharing PostgreSQL and Redis, an
// agent publishing a stream of events (each with its own Idempotency-Key, retried on the other process when
// a call fails), one server SIGKILLed mid-stream. Real clients (one per process; the one on the killed process
// re-joins the other with `since`) must end with every acknowledged event exactly once after dedupe by id, in
// increasing id order; and the log must hold each logical event at most once (acknowledged ones exactly once).
// Runs in the PostgreSQL leg with TEST_REDIS=1; skipped otherwise (as scaleout.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { startPair, type TestServer, type TestUser } from "../support/server";
import { agentWithToken, projectEvents, sleep, startWorkflow, until } from "./helpers";

const usesPg = process.env.TEST_DB === "postgres";
const usesRedis = !!process.env.TEST_REDIS;
const N = 60;

/** A client that follows a room across a process loss: on disconnect it re-joins on `fallback` with since. */
class Follower {
  received: string[] = [];
  joins = 0;
  private socket: Socket | null = null;
  constructor(private room: string, private token: string) {}
  private lastId = "0";

  async join(server: TestServer, since?: string) {
    const socket = await server.connect({ auth: { token: this.token } });
    socket.on("agent:thought", (e: { id: string; room: string }) => {
      if (e.room !== this.room) return;
      this.received.push(e.id);
      if (BigInt(e.id) > BigInt(this.lastId)) this.lastId = e.id;
    });
    const ack = await socket.emitWithAck("subscribe", since === undefined ? { room: this.room } : { room: this.room, since });
    expect(ack).toMatchObject({ status: "success" });
    if (since !== undefined) expect(ack.reset).toBe(false);
    this.joins++;
    this.socket = socket;
    return socket;
  }

  /** When the socket drops, re-join on `fallback` from the newest id seen. */
  failOverTo(fallback: TestServer) {
    const s = this.socket!;
    s.once("disconnect", () => void this.join(fallback, this.lastId));
  }

  /** Drop the connection and re-join on `server` from the newest id seen (a flaky network). */
  async bounce(server: TestServer) {
    this.socket?.disconnect();
    await this.join(server, this.lastId);
  }

  /** Ids after dedupe, in arrival order. */
  deduped(): string[] {
    const seen = new Set<string>();
    return this.received.filter((id) => (seen.has(id) ? false : (seen.add(id), true)));
  }
}

describe.runIf(usesPg && usesRedis)("conformance: a process SIGKILLed mid-stream", () => {
  let a: TestServer;
  let b: TestServer;
  let pair: Awaited<ReturnType<typeof startPair>>;
  let owner: TestUser;

  beforeAll(async () => {
    pair = await startPair({ RATE_LIMIT_REST_PER_MINUTE: "100000" });
    ({ a, b } = pair);
    owner = await a.createUser("Owner");
  }, 180_000);
  afterAll(async () => {
    await pair?.stop();
  });

  it("every acknowledged event reaches every client exactly once after dedupe, in order; retries with keys never duplicate", { timeout: 120_000 }, async () => {
    const p = await b.createProject(owner);
    const wf = await startWorkflow(b, owner, p.id);
    const bot = await agentWithToken(b, owner, [p.id]);
    const room = `project:${p.id}`;
    const onA = new Follower(room, owner.token);
    const onB = new Follower(room, owner.token);
    const flaky = new Follower(room, owner.token);
    await onA.join(a, "0");
    await onB.join(b, "0");
    await flaky.join(b, "0");
    onA.failOverTo(b);

    const acked = new Map<number, string>(); // logical event → acknowledged id
    let killed = false;
    for (let i = 0; i < N; i++) {
      if (i === N / 3) {
        // Mid-request: the kill lands while this event's call to A is in flight (its outcome is unknown).
        setTimeout(() => a.proc.kill("SIGKILL"), 5);
      }
      if (i > N / 3) killed = true;
      if (i % 7 === 3) await flaky.bounce(b);
      const key = `conf-${i}`;
      const body = { type: "agent:thought", data: { content: `e${i}` } };
      // Alternate processes; a failed call is retried with the same key on the survivor.
      const order = i % 2 === 0 && !killed ? [a, b, b, b] : [b, b, b];
      for (const server of order) {
        const r = await server
          .request("POST", `/api/v1/workflows/${wf}/events`, { token: bot.token, body, headers: { "Idempotency-Key": key } })
          .catch(() => null);
        if (r?.status === 202) {
          acked.set(i, r.body.id);
          break;
        }
        // 409 IDEMPOTENCY_IN_PROGRESS: the killed process held this key mid-request; its outcome is unknown.
        if (r?.status === 409) break;
        await sleep(200);
      }
    }
    expect(acked.size).toBeGreaterThanOrEqual(N - 2);
    const ackedIds = [...acked.values()];

    // Every client ends with every acknowledged event.
    await until("every client has every acknowledged event", () => [onA, onB, flaky].every((f) => ackedIds.every((id) => f.received.includes(id))), 30_000);
    expect(onA.joins).toBe(2); // it did lose its process and re-join the other one
    for (const f of [onA, onB, flaky]) {
      const ids = f.deduped().map(BigInt);
      expect(ids.every((x, k) => k === 0 || x > ids[k - 1]!)).toBe(true); // in order
      for (const id of ackedIds) expect(f.deduped().filter((x) => x === id)).toHaveLength(1);
    }
    // The log: each logical event at most once; acknowledged ones exactly once, with the acknowledged id.
    const thoughts = (await projectEvents(b, owner, p.id)).filter((e) => e.type === "agent:thought");
    const byContent = new Map<string, string[]>();
    for (const e of thoughts) byContent.set(e.data.content, [...(byContent.get(e.data.content) ?? []), e.id]);
    for (const [content, ids] of byContent) expect(ids, content).toHaveLength(1);
    for (const [i, id] of acked) expect(byContent.get(`e${i}`)).toEqual([id]);
  });
});
