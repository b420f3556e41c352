// Trace timelines and notifications (issue #16) against a real server, a real model stand-in and real runs:
// one prompt from request to test results under one trace_id, and who is told what, and who is not.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Socket } from "socket.io-client";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";
import { FakeOpenAI } from "../support/fake-openai";
import { git } from "../support/repos";

let fake: FakeOpenAI;
let s: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let repo: string;

// Three tests, the second fails: the run fails.
const TAP = `console.log("TAP version 13");
console.log("ok 1 - adds");
console.log("not ok 2 - divides\\n  ---\\n  message: division by zero\\n  ...");
console.log("ok 3 - subtracts");
console.log("1..3");
process.exitCode = 1;
`;

beforeAll(async () => {
  fake = await new FakeOpenAI().start();
  s = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", LLM_TIMEOUT_MS: "5000", TEST_RUN_TIMEOUT_MS: "20000" } });
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
  repo = path.join(s.dataDir, "repos", "traced");
  mkdirSync(repo, { recursive: true });
  writeFileSync(path.join(repo, "README.md"), "# Traced\n");
  writeFileSync(path.join(repo, "tap.js"), TAP);
  git(repo, "init", "-q");
  git(repo, "add", "-A");
  git(repo, "-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "init");
}, 600_000);
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});
afterEach(() => s.closeSockets());

async function setup() {
  const p = await s.createProject(owner, { repository_url: repo, test_command: "node tap.js" });
  await s.addMember(owner, p.id, member, "member");
  await s.addMember(owner, p.id, viewer, "viewer");
  const session = await s.request("POST", `/api/v1/projects/${p.id}/sessions`, { token: member.token });
  expect(session.status).toBe(201);
  return { p, sid: session.body.session_id as string };
}

async function socketOf(user: TestUser, ...roomNames: string[]): Promise<Socket> {
  const c = await s.connect({ auth: { token: user.token } });
  for (const room of roomNames) expect(await c.emitWithAck("subscribe", { room })).toMatchObject({ status: "success" });
  return c;
}

const notifications = (user: TestUser | string, q = "") =>
  s.request("GET", `/api/v1/notifications${q}`, { token: typeof user === "string" ? user : user.token });

/** A prompt answered with a patch, applied with run_tests: resolves once the run is complete. */
async function promptToFailedRun(p: { id: string }, sid: string, watcher: Socket) {
  const proposed = nextEvent(watcher, "vibecode_response", () => true, 30_000);
  const r = await s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt: "Add a greeting to the README" } });
  expect(r.status).toBe(202);
  const response = await proposed;
  expect(response.data.status).toBe("proposed");
  const completed = nextEvent(watcher, "test_completed", () => true, 60_000);
  const applied = await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/apply`, { token: member.token, body: { run_tests: true } });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  expect(applied.body.test_run).toEqual({ test_run_id: expect.any(String), job_id: expect.any(String), trace_id: r.body.trace_id });
  const done = await completed;
  expect(done.data).toMatchObject({ status: "failed", passed: 2, failed: 1, total: 3 });
  return { traceId: r.body.trace_id as string, messageId: r.body.message_id as string, runId: applied.body.test_run.test_run_id as string };
}

describe("a prompt's trace", () => {
  it("holds request, stream, workflow, patch, apply, the run it started with each result, and the review, in order; live on the project room", async () => {
    const { p, sid } = await setup();
    const watcher = await socketOf(viewer, `project:${p.id}`);
    const seen = record(watcher);
    const { traceId, messageId, runId } = await promptToFailedRun(p, sid, watcher);

    const reviewed = nextEvent(watcher, "ai.analysis_complete", () => true, 30_000);
    const review = await s.request("POST", `/api/v1/sessions/${sid}/messages/${messageId}/review`, { token: member.token });
    expect(review.status, JSON.stringify(review.body)).toBe(202);
    expect(review.body.trace_id).toBe(traceId);
    expect((await reviewed).trace_id).toBe(traceId);

    const t = await s.request("GET", `/api/v1/traces/${traceId}`, { token: viewer.token });
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    expect(t.body).toMatchObject({ trace_id: traceId, project_id: p.id, has_more: false });
    const events = t.body.events as any[];
    const types = events.map((e) => e.type);
    for (const e of events) {
      expect(e.trace_id).toBe(traceId);
      expect(e.room).toBe(`project:${p.id}`);
    }
    // In order (ids increase) and the story as it happened.
    const ids = events.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    const at = (type: string) => types.indexOf(type);
    expect(at("vibecode_request")).toBe(0);
    expect(types).toContain("vibecode_chunk");
    expect(types).toContain("workflow.started");
    expect(at("vibecode_request")).toBeLessThan(at("vibecode_response"));
    expect(at("vibecode_response")).toBeLessThan(at("patch.applied"));
    expect(at("patch.applied")).toBeLessThan(at("test_run.created"));
    expect(at("test_run.created")).toBeLessThan(at("test_started"));
    expect(types.filter((x) => x === "test_result")).toHaveLength(3);
    expect(at("test_completed")).toBeGreaterThan(types.lastIndexOf("test_result"));
    expect(types).toContain("ai.analysis_complete");
    expect(events.find((e) => e.type === "test_completed").data).toMatchObject({ test_run_id: runId, status: "failed" });
    // The stream's text is not repeated in the trace (the reply has it); its size is.
    const chunk = events.find((e) => e.type === "vibecode_chunk");
    expect(chunk.data.content).toBe("");
    expect(chunk.data.chars).toBeGreaterThan(0);
    // Every event the watcher saw live with this trace id is in the trace (chunks aside, the same envelopes).
    const live = seen.map((e) => e.payload).filter((e: any) => e?.trace_id === traceId).map((e: any) => e.id);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(live));

    // Pages: limit 3 at a time gives the same events.
    const paged: any[] = [];
    let after = "0";
    for (let i = 0; i < 50; i++) {
      const page = await s.request("GET", `/api/v1/traces/${traceId}?limit=3&after=${after}`, { token: member.token });
      expect(page.status).toBe(200);
      paged.push(...page.body.events);
      after = page.body.next_after;
      if (!page.body.has_more) break;
    }
    expect(paged.map((e) => e.id)).toEqual(events.map((e) => e.id));

    // The run itself carries the prompt's trace.
    expect((await s.request("GET", `/api/v1/test-runs/${runId}`, { token: viewer.token })).body.trace_id).toBe(traceId);
  }, 180_000);

  it("is 404 for non-members, unknown and malformed trace ids (never 403); bounds are 400", async () => {
    const { p } = await setup();
    const w = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: member.token, body: { name: "Traced work" } });
    expect(w.status).toBe(201);
    const traceId = w.body.trace_id as string;
    expect(traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await s.request("GET", `/api/v1/traces/${traceId}`, { token: member.token })).status).toBe(200);
    const denied = await s.request("GET", `/api/v1/traces/${traceId}`, { token: outsider.token });
    const unknown = await s.request("GET", `/api/v1/traces/00000000-0000-4000-8000-000000000000`, { token: outsider.token });
    expect(denied.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(denied.body).toEqual(unknown.body); // the same answer: existence is not revealed
    expect(denied.body.error.code).toBe("NOT_FOUND");
    for (const bad of ["%27%20OR%201=1--", "a".repeat(101), "..%2F..%2Fetc"]) {
      expect((await s.request("GET", `/api/v1/traces/${bad}`, { token: member.token })).status).toBe(404);
    }
    expect((await s.request("GET", `/api/v1/traces/${traceId}?limit=5000`, { token: member.token })).status).toBe(400);
    expect((await s.request("GET", `/api/v1/traces/${traceId}?after=-1`, { token: member.token })).status).toBe(400);
    expect((await s.request("GET", `/api/v1/traces/${traceId}`)).status).toBe(401);
    // A project-scoped token of a member, scoped elsewhere, does not see it either.
    const other = await s.createProject(member);
    const scoped = await s.request("POST", "/api/v1/tokens", { token: member.token, body: { name: "scoped", kind: "personal", project_ids: [other.id] } });
    expect(scoped.status, JSON.stringify(scoped.body)).toBe(201);
    expect((await s.request("GET", `/api/v1/traces/${traceId}`, { token: scoped.body.token })).status).toBe(404);
    // A removed member loses it.
    await s.request("DELETE", `/api/v1/projects/${p.id}/members/${viewer.id}`, { token: owner.token });
    expect((await s.request("GET", `/api/v1/traces/${traceId}`, { token: viewer.token })).status).toBe(404);
  }, 120_000);
});

describe("notifications", () => {
  it("the session's starter is told of the proposed patch and the failed run, live in user:<id>, stored, replayable; mark read one and all", async () => {
    const { p, sid } = await setup();
    const mine = await s.connect({ auth: { token: member.token } }); // joined to user:<id> at connect
    const got: any[] = [];
    mine.on("notification.created", (e) => got.push(e));
    const watcher = await socketOf(viewer, `project:${p.id}`);
    const { traceId, runId } = await promptToFailedRun(p, sid, watcher);
    await expect.poll(() => got.map((e) => e.data.kind).sort(), { timeout: 20_000 }).toEqual(["patch_proposed", "run_failed"]);
    const runFailed = got.find((e) => e.data.kind === "run_failed");
    expect(runFailed.room).toBe(`user:${member.id}`);
    expect(runFailed.data).toMatchObject({ project_id: p.id, link: `/projects/${p.id}/runs/${runId}`, trace_id: traceId, read_at: null, data: { test_run_id: runId, failed: 1 } });
    // The owner and the viewer started neither the session nor the run.
    expect((await notifications(viewer)).body.notifications.filter((n: any) => n.project_id === p.id && n.kind !== "member_added")).toEqual([]);

    const list = await notifications(member, "?limit=100");
    expect(list.status).toBe(200);
    const ours = list.body.notifications.filter((n: any) => n.project_id === p.id && n.kind !== "member_added");
    expect(ours.map((n: any) => n.kind)).toEqual(["run_failed", "patch_proposed"]); // newest first
    expect(ours[0]).toEqual(runFailed.data);
    expect(list.body.unread_count).toBeGreaterThanOrEqual(2);

    // Replay: a new socket subscribing its own room with since gets them again, in order.
    const late = await s.connect({ auth: { token: member.token } });
    const replay = record(late);
    const ack = await late.emitWithAck("subscribe", { room: `user:${member.id}`, since: "0" });
    expect(ack).toMatchObject({ status: "success" });
    expect(replay.filter((e) => e.name === "notification.created").map((e) => e.payload.data.id)).toEqual(expect.arrayContaining(ours.map((n: any) => n.id)));

    // Mark one read: every tab of the user hears notification.read with the new count.
    const heard = nextEvent(mine, "notification.read");
    const one = await s.request("POST", `/api/v1/notifications/${ours[0].id}/read`, { token: member.token });
    expect(one.status).toBe(200);
    expect(one.body.read_at).toEqual(expect.any(String));
    expect((await heard).data).toMatchObject({ ids: [ours[0].id] });
    const unreadOnly = await notifications(member, "?unread=true&limit=100");
    expect(unreadOnly.body.notifications.map((n: any) => n.id)).not.toContain(ours[0].id);
    const all = await s.request("POST", "/api/v1/notifications/read-all", { token: member.token });
    expect(all.status).toBe(200);
    expect(all.body.unread_count).toBe(0);
    expect((await notifications(member, "?unread=true")).body.notifications).toEqual([]);
  }, 180_000);

  it("only the recipient reads or marks them: another user, an agent token, another user: room and hostile ids are refused", async () => {
    const p = await s.createProject(owner);
    await s.addMember(owner, p.id, member, "member"); // member_added for the member
    await expect.poll(async () => (await notifications(member, "?limit=100")).body.notifications.some((n: any) => n.kind === "member_added" && n.project_id === p.id), { timeout: 20_000 }).toBe(true);
    const target = (await notifications(member, "?limit=100")).body.notifications.find((n: any) => n.kind === "member_added" && n.project_id === p.id);
    expect(target).toMatchObject({ title: `You were added to ${p.name}`, link: `/projects/${p.id}`, read_at: null });

    // Another user: not in their list, 404 marking it (the same as a missing id), read-all leaves it.
    expect((await notifications(outsider, "?limit=100")).body.notifications.map((n: any) => n.id)).not.toContain(target.id);
    const mark = await s.request("POST", `/api/v1/notifications/${target.id}/read`, { token: outsider.token });
    expect(mark.status).toBe(404);
    expect(mark.body).toEqual((await s.request("POST", `/api/v1/notifications/999999999999/read`, { token: outsider.token })).body);
    await s.request("POST", "/api/v1/notifications/read-all", { token: outsider.token });
    expect((await notifications(member, "?unread=true&limit=100")).body.notifications.map((n: any) => n.id)).toContain(target.id);
    for (const bad of ["-1", "1e3", "abc", "99999999999999999999", "1%20OR%201=1"]) {
      expect((await s.request("POST", `/api/v1/notifications/${bad}/read`, { token: member.token })).status).toBe(404);
    }
    expect((await notifications(member, "?limit=1000")).status).toBe(400);
    expect((await notifications(member, "?before=x")).status).toBe(400);
    expect((await notifications(member, "")).status).toBe(200);
    expect((await s.request("GET", "/api/v1/notifications")).status).toBe(401);

    // The socket: joining someone else's user room is refused and nothing of theirs arrives.
    const spy = await s.connect({ auth: { token: outsider.token } });
    const spied = record(spy);
    expect(await spy.emitWithAck("subscribe", { room: `user:${member.id}`, since: "0" })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    await s.addMember(owner, (await s.createProject(owner)).id, member, "viewer");
    await new Promise((r) => setTimeout(r, 1000));
    expect(spied.filter((e) => e.name.startsWith("notification."))).toEqual([]);

    // An agent token (agent work only) may not read them; a scoped token sees only its projects'.
    const agent = await s.request("POST", "/api/v1/agents", { token: member.token, body: { name: "Bot", project_ids: [p.id] } });
    const agentToken = await s.request("POST", "/api/v1/tokens", { token: member.token, body: { name: "bot", kind: "agent", agent_id: agent.body.id } });
    expect((await notifications(agentToken.body.token)).status).toBe(403);
    const elsewhere = await s.createProject(member);
    const scoped = await s.request("POST", "/api/v1/tokens", { token: member.token, body: { name: "scoped", kind: "personal", project_ids: [elsewhere.id] } });
    const scopedList = await notifications(scoped.body.token, "?limit=100");
    expect(scopedList.status).toBe(200);
    expect(scopedList.body.notifications.every((n: any) => n.project_id === elsewhere.id)).toBe(true);
    expect((await s.request("POST", `/api/v1/notifications/${target.id}/read`, { token: scoped.body.token })).status).toBe(404);
    expect((await s.request("PUT", "/api/v1/notifications/preferences", { token: scoped.body.token, body: { browser: true } })).status).toBe(403);

    // Nor over the socket: a scoped token's socket is not put in its user's room (whose notifications concern
    // every project of the user) and cannot join it; a notification of another project does not reach it.
    const scopedSock = await s.connect({ auth: { token: scoped.body.token } });
    const scopedHeard = record(scopedSock);
    expect(await scopedSock.emitWithAck("subscribe", { room: `user:${member.id}`, since: "0" })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    const unscopedSock = await s.connect({ auth: { token: member.token } });
    const unscopedGets = nextEvent(unscopedSock, "notification.created", (e: any) => e.data.kind === "member_added", 20_000);
    await s.addMember(owner, (await s.createProject(owner)).id, member, "viewer");
    await unscopedGets; // the unscoped socket hears it: the scoped one had the same chance
    await new Promise((r) => setTimeout(r, 500));
    expect(scopedHeard.filter((e) => e.name.startsWith("notification.") || e.name === "member.added")).toEqual([]);
  }, 120_000);

  it("preferences choose the kinds: a kind turned off is neither stored nor sent; workflow failures reach every member", async () => {
    const prefs = await s.request("GET", "/api/v1/notifications/preferences", { token: viewer.token });
    expect(prefs.status).toBe(200);
    expect(prefs.body).toEqual({ kinds: { run_failed: true, workflow_failed: true, workflow_stale: true, patch_proposed: true, agent_offline: true, member_added: true }, browser: false });
    for (const body of [{ kinds: { nope: true } }, { kinds: { run_failed: "yes" } }, { browser: 1 }, { extra: 1 }, []]) {
      expect((await s.request("PUT", "/api/v1/notifications/preferences", { token: viewer.token, body })).status).toBe(400);
    }
    const put = await s.request("PUT", "/api/v1/notifications/preferences", { token: viewer.token, body: { kinds: { workflow_failed: false }, browser: true } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ kinds: { workflow_failed: false, run_failed: true }, browser: true });

    const { p } = await setup();
    const ownerSock = await s.connect({ auth: { token: owner.token } });
    const heard = nextEvent(ownerSock, "notification.created", (e: any) => e.data.kind === "workflow_failed", 20_000);
    const w = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: member.token, body: { name: "Deploy" } });
    expect((await s.request("POST", `/api/v1/workflows/${w.body.id}/fail`, { token: member.token, body: { error: "disk full" } })).status).toBe(200);
    const n = await heard;
    expect(n.data).toMatchObject({ title: "Workflow failed: Deploy", link: `/projects/${p.id}/workflows/${w.body.id}`, trace_id: w.body.trace_id, data: { workflow_id: w.body.id } });
    await expect.poll(async () => (await notifications(member, "?limit=100")).body.notifications.some((x: any) => x.data.workflow_id === w.body.id), { timeout: 20_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect((await notifications(viewer, "?limit=100")).body.notifications.some((x: any) => x.data.workflow_id === w.body.id)).toBe(false);
    // The failed workflow's events are on its trace.
    const t = await s.request("GET", `/api/v1/traces/${w.body.trace_id}`, { token: viewer.token });
    expect(t.body.events.map((e: any) => e.type)).toEqual(["workflow.started", "workflow.failed"]);
  }, 120_000);

  it("deleting a project deletes its notifications (and its rooms' retention floors): the list and the unread count drop, and the member hears project.deleted", async () => {
    const p = await s.createProject(owner);
    const keep = await s.createProject(owner);
    await s.addMember(owner, p.id, member, "member");
    await s.addMember(owner, keep.id, member, "member");
    const mine = (proj: { id: string }) => async () => (await notifications(member, "?limit=100")).body.notifications.filter((n: any) => n.project_id === proj.id).length;
    await expect.poll(mine(p), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(mine(keep), { timeout: 20_000 }).toBeGreaterThan(0);
    const before = (await notifications(member, "?limit=100")).body.unread_count;
    const sock = await s.connect({ auth: { token: member.token } });
    const heard = nextEvent(sock, "project.deleted", (e: any) => e.data.id === p.id, 20_000);
    expect((await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: owner.token })).status).toBe(204);
    await heard;
    expect(await mine(p)()).toBe(0); // gone by the time project.deleted arrives
    expect(await mine(keep)()).toBeGreaterThan(0); // another project's stay
    expect((await notifications(member, "?limit=100")).body.unread_count).toBeLessThan(before);
  }, 60_000);

  it("an agent's creator is told when it goes offline", async () => {
    const p = await s.createProject(member);
    const agent = await s.request("POST", "/api/v1/agents", { token: member.token, body: { name: "Night shift", project_ids: [p.id] } });
    const tok = await s.request("POST", "/api/v1/tokens", { token: member.token, body: { name: "ns", kind: "agent", agent_id: agent.body.id } });
    const mine = await s.connect({ auth: { token: member.token } });
    const offline = nextEvent(mine, "notification.created", (e: any) => e.data.kind === "agent_offline" && e.data.data.agent_id === agent.body.id, 20_000);
    const a = await s.connect({ auth: { token: tok.body.token } });
    await expect.poll(async () => (await s.request("GET", `/api/v1/agents/${agent.body.id}`, { token: member.token })).body.status, { timeout: 10_000 }).toBe("online");
    a.disconnect();
    expect((await offline).data).toMatchObject({ title: "Your agent Night shift went offline", link: "/agents" });
  }, 60_000);
});
