// @switchboard/client (packages/client) against a real server: replay with `since`, reconnect (re-joined with
// the newest id seen; what was published meanwhile arrives once, in order), `types` filtering, agent and
// workflow helpers, auth.refresh, errors as typed values with the contract's codes, and the client's bounds
// (a full outbox refuses, a closed client fails what waits, no token in any error).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, SwitchboardError, type AnyEnvelope, type SwitchboardClient } from "@switchboard/client";
import { startServer, type TestServer, type TestUser } from "../support/server";
import { agentWithToken, until } from "../delivery/helpers";

let s: TestServer;
let owner: TestUser;
let stranger: TestUser;
let p: { id: string };
let agent: { agent: { id: string }; token: string };
const clients: SwitchboardClient[] = [];
const client = (token: string, extra: Partial<Parameters<typeof connect>[0]> = {}) => {
  const c = connect({ url: s.url, token, ...extra });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  s = await startServer();
  owner = await s.createUser("Owner");
  stranger = await s.createUser("Stranger");
  p = await s.createProject(owner);
  agent = await agentWithToken(s, owner, [p.id], "SDK bot");
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s?.stop();
});

const rename = async (name: string) => expect((await s.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { name } })).status).toBe(200);
const names = (list: AnyEnvelope[]) => list.flatMap((e) => (e.type === "project.updated" ? [e.data.name] : []));

describe("@switchboard/client", () => {
  it("replays a room from `since`, then goes live; after a dropped connection it re-joins with the newest id and delivers what was missed once, in order", async () => {
    await rename("before-1");
    await rename("before-2");
    const sb = client(owner.token, { socket: { reconnectionDelay: 1500, reconnectionDelayMax: 1500 } });
    const sent: { event: string; payload: any }[] = [];
    (sb as any).socket.onAnyOutgoing((event: string, payload: unknown) => sent.push({ event, payload }));
    const got: AnyEnvelope[] = [];
    const sub = sb.subscribe({ project_id: p.id }, (e) => got.push(e), { since: 0 });
    const ack = await sub.ready;
    expect(ack.replayed).toBeGreaterThanOrEqual(2);
    expect(names(got)).toEqual(["before-1", "before-2"]);
    await rename("live-1");
    await until("live", () => names(got).length === 3);

    const lastSeen = got.at(-1)!.id;
    (sb as any).socket.io.engine.close(); // the transport drops under the client
    await until("reconnecting", () => sb.state !== "connected");
    for (const n of ["missed-1", "missed-2", "missed-3"]) await rename(n);
    await until("connected again", () => sb.state === "connected", 20_000);
    await until("every missed event", () => names(got).length === 6, 20_000);
    await rename("live-2");
    await until("live after", () => names(got).length === 7);

    expect(names(got)).toEqual(["before-1", "before-2", "live-1", "missed-1", "missed-2", "missed-3", "live-2"]);
    const ids = got.map((e) => BigInt(e.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const rejoin = sent.filter((x) => x.event === "subscribe" && x.payload.room === `project:${p.id}`).at(-1)!;
    expect(rejoin.payload.since).toBe(lastSeen); // re-joined from the newest id it had, not from 0
    sub.unsubscribe();
    sb.close();
  }, 60_000);

  it("`types` narrows what reaches a handler; agent and workflow helpers publish in order, each once", async () => {
    const watcher = client(owner.token);
    const progress: AnyEnvelope[] = [];
    const all: AnyEnvelope[] = [];
    watcher.subscribe({ project_id: p.id }, (e) => all.push(e));
    const sub = watcher.subscribe({ project_id: p.id }, (e) => progress.push(e), { types: ["workflow.progress", "agent:thought"] });
    await sub.ready;

    const bot = client(agent.token);
    await bot.ready();
    expect(await bot.agent.status("online", { availability: 50 })).toEqual({ agent_id: agent.agent.id, agent_status: "online" });
    const wf = await bot.workflows.start(p.id, { name: "sdk work", total_steps: 2 });
    expect(wf).toMatchObject({ name: "sdk work", status: "running", agent_id: agent.agent.id });
    const t1 = await bot.agent.thought(wf.id, "first");
    await bot.agent.toolCall(wf.id, { tool_name: "grep", status: "completed", message: "found 3" });
    await bot.workflows.progress(wf.id, { progress: 50, current_step: 1 });
    await bot.agent.thought(wf.id, "second");
    await bot.agent.result(wf.id, { status: "success", content_type: "text/plain", content: "done" });
    const done = await bot.workflows.complete(wf.id, { result: { ok: true } });
    expect(done.status).toBe("completed");
    await until("the completion", () => all.some((e) => e.type === "workflow.completed" && e.data.workflow_id === wf.id));

    expect(progress.map((e) => e.type)).toEqual(["agent:thought", "workflow.progress", "agent:thought"]);
    expect(progress[0]!.id).toBe(t1.id);
    // workflow.agent_status may come too: the agent's connect announcement (online) can run after the start.
    const mine = all.filter((e) => (e.data as { workflow_id?: string }).workflow_id === wf.id && e.type !== "workflow.agent_status");
    expect(mine.map((e) => e.type)).toEqual(["workflow.started", "agent:thought", "agent:tool_call", "workflow.progress", "agent:thought", "agent:result", "workflow.completed"]);

    // A repeat of a command with the same idempotency key acts once: the same event id, nothing new published.
    const a = await bot.agent.thought(wf.id, "keyed", { idempotency_key: "sdk-keyed-1" });
    const b = await bot.agent.thought(wf.id, "keyed", { idempotency_key: "sdk-keyed-1" });
    expect(b.id).toBe(a.id);
    await until("keyed thought", () => all.some((e) => e.id === a.id));
    await new Promise((r) => setTimeout(r, 300));
    expect(all.filter((e) => e.type === "agent:thought" && e.data.content === "keyed")).toHaveLength(1);
  }, 60_000);

  it("errors are SwitchboardError values with the contract's codes", async () => {
    const sb = client(owner.token);
    // A workflow that is finished refuses more: INVALID_TRANSITION with details.status.
    const wf = await sb.workflows.start(p.id, { name: "ends" });
    await sb.workflows.fail(wf.id, { error: "broke" });
    const e1 = await sb.workflows.complete(wf.id).catch((e) => e);
    expect(e1).toBeInstanceOf(SwitchboardError);
    expect(SwitchboardError.is(e1, "INVALID_TRANSITION")).toBe(true);
    expect(e1.status).toBe(409);
    expect(e1.details).toMatchObject({ status: "failed" });
    // Validation: progress out of range.
    const wf2 = await sb.workflows.start(p.id, { name: "bad progress" });
    const e2 = await sb.workflows.progress(wf2.id, { progress: 101 }).catch((e) => e);
    expect([e2.code, e2.status]).toEqual(["VALIDATION_FAILED", 400]);
    // A user's credential may not report agent work (socket ack → FORBIDDEN).
    const e3 = await sb.agent.thought(wf2.id, "not an agent").catch((e) => e);
    expect(e3).toBeInstanceOf(SwitchboardError);
    expect(e3.code).toBe("FORBIDDEN");
    // A room the caller may not see: the subscription's ready rejects with ROOM_ACCESS_DENIED.
    const other = client(stranger.token);
    const refused = await other.subscribe({ project_id: p.id }, () => {}).ready.catch((e) => e);
    expect([refused.constructor, refused.code]).toEqual([SwitchboardError, "ROOM_ACCESS_DENIED"]);
    // Not a room at all: refused before anything is sent.
    expect(() => sb.subscribe("project:not-a-uuid", () => {})).toThrow(SwitchboardError);
    expect(() => sb.subscribe({ project_id: p.id }, () => {}, { since: "-1" })).toThrow(/event id/);
    // A refused credential: ready() rejects with AUTH_FAILED; the token is in no message.
    const badToken = "sb_agt_" + "x".repeat(40);
    const errors: Error[] = [];
    const bad = client(badToken, { onError: (e) => errors.push(e) });
    const queued = bad.agent.status("online").catch((e) => e); // queued before the refusal: failed by it, not left waiting
    const e4 = await bad.ready().catch((e) => e);
    expect([e4.constructor, e4.code]).toEqual([SwitchboardError, "AUTH_FAILED"]);
    expect((await queued).code).toBe("AUTH_FAILED");
    expect(bad.pendingCommands).toBe(0);
    const e5 = await bad.rest.GET("/api/v1/projects");
    expect(e5.response.status).toBe(401);
    for (const e of [e4, ...errors]) expect(`${e.message} ${JSON.stringify(e.details ?? null)}`).not.toContain(badToken);
  }, 60_000);

  it("auth.refresh swaps the credential; a bad one is AUTH_FAILED and the old stays in force", async () => {
    const sb = client(owner.token);
    await sb.ready();
    const fresh = await s.request("POST", "/api/v1/auth/token", { body: { email: owner.email, password: owner.password } });
    const r = await sb.auth.refresh(fresh.body.token);
    expect(r.expires_at).toMatch(/^\d{4}-/);
    const bad = await sb.auth.refresh("not-a-token").catch((e) => e);
    expect([bad.constructor, bad.code]).toEqual([SwitchboardError, "AUTH_FAILED"]);
    expect(bad.message).not.toContain("not-a-token");
    const sub = sb.subscribe({ project_id: p.id }, () => {});
    expect((await sub.ready).room).toBe(`project:${p.id}`);
  }, 30_000);

  it("retryForMs holds while offline: with the server gone a waiting command fails with TIMEOUT (the timer goes with close())", async () => {
    // Connected, then the connection goes for good (no reconnection): pump() cannot send, the timer still fails it.
    const sb = client(agent.token, { retryForMs: 600, socket: { reconnection: false } });
    await sb.ready();
    (sb as any).socket.io.engine.close();
    await until("offline", () => sb.state !== "connected");
    const t0 = Date.now();
    const e = await sb.agent.thought("00000000-0000-4000-8000-000000000000", "into the void").catch((x) => x);
    expect([e.constructor, e.code]).toEqual([SwitchboardError, "TIMEOUT"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(sb.pendingCommands).toBe(0);
    // Never connected at all (nothing listens on port 9): the same, for each waiting command.
    const never = client(agent.token, { url: "http://127.0.0.1:9", retryForMs: 400, socket: { reconnectionDelay: 60_000 } });
    const a = never.agent.status("online").catch((x) => x);
    const b = never.agent.status("busy").catch((x) => x);
    expect([(await a).code, (await b).code]).toEqual(["TIMEOUT", "TIMEOUT"]);
    const c = never.agent.status("idle").catch((x) => x);
    expect((never as any).expiryTimer).not.toBeNull();
    never.close();
    expect((await c).code).toBe("CLOSED");
    expect((never as any).expiryTimer).toBeNull();
  }, 30_000);

  it("auth.refresh does not wait behind the outbox: answered at once while hundreds of commands back off (RATE_LIMITED)", async () => {
    const sb = client(owner.token);
    await sb.ready();
    // 400 commands at the server's 50 commands/s per socket: the outbox drains for seconds, backing off on RATE_LIMITED.
    const queued = Array.from({ length: 400 }, () => sb.send("ping", {}).catch((e) => e));
    await until("backing off", () => sb.pendingCommands < 370, 10_000);
    const fresh = await s.request("POST", "/api/v1/auth/token", { body: { email: owner.email, password: owner.password } });
    const t0 = Date.now();
    const r = await sb.auth.refresh(fresh.body.token);
    const took = Date.now() - t0;
    expect(r.expires_at).toMatch(/^\d{4}-/);
    expect(took).toBeLessThan(2_000);
    expect(sb.pendingCommands).toBeGreaterThan(200); // it went ahead of them
    // Its errors keep their mapping, ahead of the queue too.
    const bad = await sb.auth.refresh("not-a-token").catch((e) => e);
    expect([bad.constructor, bad.code]).toEqual([SwitchboardError, "AUTH_FAILED"]);
    expect(sb.pendingCommands).toBeGreaterThan(100);
    sb.close();
    const results = await Promise.all(queued);
    expect(results.some((x) => x instanceof SwitchboardError && x.code === "CLOSED")).toBe(true);
  }, 30_000);

  it("bounds what waits while offline: past maxQueue QUEUE_FULL; close() fails what waits with CLOSED", async () => {
    // Nothing listens on port 9 (discard, closed here): the client stays offline and queues.
    const sb = client(agent.token, { url: "http://127.0.0.1:9", maxQueue: 2, socket: { reconnectionDelay: 60_000 } });
    const a = sb.agent.status("online").catch((e) => e);
    const b = sb.agent.status("busy").catch((e) => e);
    const c = await sb.agent.status("idle").catch((e) => e);
    expect([c.constructor, c.code]).toEqual([SwitchboardError, "QUEUE_FULL"]);
    expect(sb.pendingCommands).toBe(2);
    // Over the server's 1 MiB payload bound: refused before it takes room.
    const big = await sb.agent.thought("w", "x".repeat(1024 * 1024 + 1)).catch((e) => e);
    expect([big.constructor, big.code]).toEqual([SwitchboardError, "PAYLOAD_TOO_LARGE"]);
    expect(sb.pendingCommands).toBe(2);
    sb.close();
    expect((await a).code).toBe("CLOSED");
    expect((await b).code).toBe("CLOSED");
    // A byte bound too: two 600 kB thoughts do not fit in 1 MB of outbox.
    const bytesBound = client(agent.token, { url: "http://127.0.0.1:9", maxQueueBytes: 1_000_000, socket: { reconnectionDelay: 60_000 } });
    const first = bytesBound.agent.thought("w", "y".repeat(600_000)).catch((e) => e);
    const second = await bytesBound.agent.thought("w", "y".repeat(600_000)).catch((e) => e);
    expect(second.code).toBe("QUEUE_FULL");
    bytesBound.close();
    expect((await first).code).toBe("CLOSED");
    // REST without an idempotency key does not retry: NETWORK_ERROR at once.
    const rest = client(owner.token, { url: "http://127.0.0.1:9" });
    const e = await rest.workflows.get("00000000-0000-4000-8000-000000000000").catch((x) => x);
    expect([e.constructor, e.code]).toEqual([SwitchboardError, "NETWORK_ERROR"]);
  }, 30_000);
});
