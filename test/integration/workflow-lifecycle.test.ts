// Workflow lifecycle (issue #14 item 1) on a real server: pending → running → completed | failed | cancelled,
// POST /workflows/{id}/cancel (rooms: project, workflow, the owning agent's), the stale sweep (live, and once
// across two processes), estimated_time_remaining, the agent going offline, and the attacks on cancel.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { nextEvent, record, startPair, startServer, testsUsePostgres, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let projectId: string;

beforeAll(async () => {
  s = await startServer();
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
  projectId = (await s.createProject(owner)).id;
  await s.addMember(owner, projectId, member, "member");
  await s.addMember(owner, projectId, viewer, "viewer");
}, 120_000);
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

function expectError(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
  expect(typeof r.body.error.message).toBe("string");
}

const create = (body: object = { name: "Build", total_steps: 4 }, token = member.token, server = s, pid = projectId) =>
  server.request("POST", `/api/v1/projects/${pid}/workflows`, { token, body });
const progress = (id: string, body: object, token = member.token) => s.request("POST", `/api/v1/workflows/${id}/progress`, { token, body });
const cancel = (id: string, token: string | undefined = member.token, body: unknown = {}) => s.request("POST", `/api/v1/workflows/${id}/cancel`, { token, body });
const get = (id: string, token = viewer.token) => s.request("GET", `/api/v1/workflows/${id}`, { token });

async function subscribe(token: string, room: string, server = s) {
  const c = await server.connect({ auth: { token } });
  expect(await c.emitWithAck("subscribe", { room })).toMatchObject({ status: "success" });
  return c;
}

/** An agent token of the owner's for the project: {token, agent_id}. */
async function agentToken(name = "Builder bot") {
  const r = await s.request("POST", "/api/v1/tokens", { token: owner.token, body: { name, kind: "agent", project_ids: [projectId] } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { token: string; agent_id: string };
}

describe("statuses", () => {
  it("a pending workflow becomes running with its first progress report; a running one reports an ETA from its rate", async () => {
    const c = await subscribe(viewer.token, `project:${projectId}`);
    const started = nextEvent(c, "workflow.started");
    const r = await create({ name: "Queued", total_steps: 4, status: "pending" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: "pending", started_at: null, estimated_time_remaining: null, reason: null, progress: 0 });
    const id = r.body.id as string;
    expect((await started).data).toMatchObject({ workflow_id: id, status: "pending" });

    const first = nextEvent(c, "workflow.progress", (e) => e.data.workflow_id === id);
    const p1 = await progress(id, { progress: 10, current_step: 1, step_name: "Clone" });
    expect(p1.status).toBe(200);
    expect(p1.body.status).toBe("running");
    expect(typeof p1.body.started_at).toBe("string");
    expect((await first).data).toMatchObject({ status: "running", progress: 10 });

    // A second report after ~1 s: the estimate is elapsed × (100 − p) / p, from started_at to this update.
    await new Promise((r) => setTimeout(r, 1100));
    const second = nextEvent(c, "workflow.progress", (e) => e.data.workflow_id === id && e.data.progress === 40);
    const p2 = await progress(id, { progress: 40, current_step: 2 });
    expect(p2.status).toBe(200);
    const elapsed = (Date.parse(p2.body.updated_at) - Date.parse(p2.body.started_at)) / 1000;
    const expected = Math.round((elapsed * 60) / 40);
    expect(elapsed).toBeGreaterThan(1);
    expect(p2.body.estimated_time_remaining).toBe(expected);
    expect((await second).data.estimated_time_remaining).toBe(expected);
    expect((await get(id)).body.estimated_time_remaining).toBe(expected);
  });

  it("the list filters by every status, and an unknown status is refused", async () => {
    const pend = await create({ name: "Waits", status: "pending" });
    const pendingList = await s.request("GET", `/api/v1/projects/${projectId}/workflows?status=pending`, { token: viewer.token });
    expect(pendingList.body.workflows.map((w: any) => w.id)).toContain(pend.body.id);
    expect(pendingList.body.workflows.every((w: any) => w.status === "pending")).toBe(true);
    await cancel(pend.body.id);
    const cancelled = await s.request("GET", `/api/v1/projects/${projectId}/workflows?status=cancelled`, { token: viewer.token });
    expect(cancelled.body.workflows.map((w: any) => w.id)).toContain(pend.body.id);
    expectError(await s.request("GET", `/api/v1/projects/${projectId}/workflows?status=stale`, { token: viewer.token }), 400, "VALIDATION_FAILED");
    expectError(await create({ name: "x", status: "completed" }), 400, "VALIDATION_FAILED");
  });
});

describe("cancel", () => {
  it("a member cancels: workflow.cancelled in the project room, the workflow room and the owning agent's room; then everything is 409", async () => {
    const agent = await agentToken();
    const agentSocket = await subscribe(agent.token, `agent:${agent.agent_id}`);
    const r = await create({ name: "Agent's job", total_steps: 3 }, agent.token);
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    expect(r.body.agent_id).toBe(agent.agent_id);
    await progress(id, { progress: 30, current_step: 1 }, agent.token);

    const proj = await subscribe(viewer.token, `project:${projectId}`);
    const wf = await subscribe(viewer.token, `workflow:${id}`);
    const events = [proj, wf, agentSocket].map((c) => nextEvent(c, "workflow.cancelled", (e) => e.data.workflow_id === id));
    const agentLog = record(agentSocket);

    const res = await cancel(id, member.token, { reason: "Wrong branch" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id, status: "cancelled", reason: "cancelled", cancelled_by: member.id, error: "Wrong branch", progress: 30, estimated_time_remaining: null });
    expect(typeof res.body.finished_at).toBe("string");
    const [p, w, a] = await Promise.all(events);
    for (const e of [p, w, a]) {
      expect(e.type).toBe("workflow.cancelled");
      expect(e.data).toMatchObject({ workflow_id: id, status: "cancelled", cancelled_by: member.id, cancelled_by_name: "Member", agent_id: agent.agent_id });
    }
    expect(p.room).toBe(`project:${projectId}`);
    expect(w.room).toBe(`workflow:${id}`);
    expect(a.room).toBe(`agent:${agent.agent_id}`);

    // Finished: a second cancel, progress, complete and fail are clear 409s and publish nothing more.
    const again = await cancel(id);
    expectError(again, 409, "INVALID_TRANSITION");
    expect(again.body.error.details).toEqual({ status: "cancelled" });
    expect(again.body.error.message).toContain("already cancelled");
    expectError(await progress(id, { progress: 50 }, agent.token), 409, "INVALID_TRANSITION");
    expectError(await s.request("POST", `/api/v1/workflows/${id}/complete`, { token: agent.token, body: {} }), 409, "INVALID_TRANSITION");
    expectError(await s.request("POST", `/api/v1/workflows/${id}/fail`, { token: agent.token, body: { error: "x" } }), 409, "INVALID_TRANSITION");
    const detail = await get(id);
    expect(detail.body).toMatchObject({ status: "cancelled", reason: "cancelled" });
    expect(detail.body.logs.at(-1)).toBe("Wrong branch");
    expect(agentLog.filter((e) => e.name === "workflow.cancelled")).toHaveLength(1);
  });

  it("cancelling a completed or failed workflow is 409 naming its status; a pending one can be cancelled", async () => {
    const done = (await create({ name: "Done" })).body.id;
    expect((await s.request("POST", `/api/v1/workflows/${done}/complete`, { token: member.token, body: {} })).status).toBe(200);
    const r1 = await cancel(done);
    expectError(r1, 409, "INVALID_TRANSITION");
    expect(r1.body.error.details).toEqual({ status: "completed" });
    const failed = (await create({ name: "Failed" })).body.id;
    expect((await s.request("POST", `/api/v1/workflows/${failed}/fail`, { token: member.token, body: { error: "broke" } })).body.reason).toBe("reported");
    expect((await cancel(failed)).body.error.details).toEqual({ status: "failed" });
    const pend = (await create({ name: "Pending", status: "pending" })).body.id;
    expect((await cancel(pend, owner.token)).body).toMatchObject({ status: "cancelled", cancelled_by: owner.id, error: "Cancelled by Owner" });
  });

  it("refuses viewers (403), outsiders and unknown or malformed ids (404), no credential (401), bad bodies (400), and another agent's token (403)", async () => {
    const id = (await create({ name: "Guarded" })).body.id as string;
    const viewerTry = await cancel(id, viewer.token);
    expectError(viewerTry, 403, "FORBIDDEN");
    expectError(await cancel(id, outsider.token), 404, "NOT_FOUND");
    expectError(await s.request("POST", `/api/v1/workflows/${id}/cancel`, { body: {} }), 401, "UNAUTHENTICATED");
    expectError(await cancel(randomUUID()), 404, "NOT_FOUND");
    for (const bad of ["not-a-uuid", "1", "%2e%2e", "00000000-0000-0000-0000-00000000000g", "x".repeat(500)]) {
      const r = await cancel(bad);
      expect(r.status, `${bad}: ${JSON.stringify(r.body)}`).toBe(404);
    }
    expectError(await cancel(id, member.token, { reason: "x".repeat(5000) }), 400, "VALIDATION_FAILED");
    expectError(await cancel(id, member.token, "[1,2]"), 400, "VALIDATION_FAILED");
    expectError(await cancel(id, member.token, "{not json"), 400, "VALIDATION_FAILED");
    // An agent token may cancel only its own agent's workflows (this one was started by a person).
    const other = await agentToken("Other bot");
    const agentTry = await cancel(id, other.token);
    expectError(agentTry, 403, "FORBIDDEN");
    expect(agentTry.body.error.message).toContain("own agent");
    // None of that changed it.
    expect((await get(id)).body.status).toBe("running");
    // Secrets in a reason are masked before they are stored or published.
    const masked = await cancel(id, member.token, { reason: "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked" });
    expect(masked.status).toBe(200);
    expect(masked.body.error).not.toContain("abcdefghijklmnopqrstuvwxyz0123456789");
  });
});

describe("agent presence", () => {
  it("a running workflow shows its agent going offline (field and live event) and coming back", async () => {
    const agent = await agentToken("Flaky bot");
    const agentConn = await s.connect({ auth: { token: agent.token } });
    const id = (await create({ name: "Long job" }, agent.token)).body.id as string;
    await expect.poll(async () => (await get(id)).body.agent_status, { timeout: 10_000 }).toBe("online");
    const list = await s.request("GET", `/api/v1/projects/${projectId}/workflows`, { token: viewer.token });
    expect(list.body.workflows.find((w: any) => w.id === id).agent_status).toBe("online");

    const wf = await subscribe(viewer.token, `workflow:${id}`);
    const offline = nextEvent(wf, "workflow.agent_status", (e) => e.data.agent_status === "offline", 15_000);
    agentConn.disconnect();
    expect((await offline).data).toMatchObject({ workflow_id: id, project_id: projectId, agent_id: agent.agent_id, agent_name: "Flaky bot", agent_status: "offline" });
    expect((await get(id)).body.agent_status).toBe("offline");

    const online = nextEvent(wf, "workflow.agent_status", (e) => e.data.agent_status === "online", 15_000);
    await s.connect({ auth: { token: agent.token } });
    await online;
    expect((await get(id)).body.agent_status).toBe("online");
  });

  it("agent:event takes seed 001's workflowId as an alias of workflow_id", async () => {
    const agent = await agentToken("Alias bot");
    const id = (await create({ name: "Aliased" }, agent.token)).body.id as string;
    const c = await s.connect({ auth: { token: agent.token } });
    const wf = await subscribe(viewer.token, `workflow:${id}`);
    const thought = nextEvent(wf, "agent:thought");
    expect(await c.emitWithAck("agent:event", { type: "agent:thought", workflowId: id, data: { content: "camelCase works" } })).toMatchObject({ status: "success" });
    expect((await thought).data).toMatchObject({ workflow_id: id, content: "camelCase works" });
    expect(await c.emitWithAck("agent:event", { type: "agent:thought", workflow_id: id, workflowId: id, data: { content: "both agree" } })).toMatchObject({ status: "success" });
    const differ = await c.emitWithAck("agent:event", { type: "agent:thought", workflow_id: id, workflowId: randomUUID(), data: { content: "x" } });
    expect(differ).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    const neither = await c.emitWithAck("agent:event", { type: "agent:thought", data: { content: "x" } });
    expect(neither).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
    expect(await c.emitWithAck("agent:event", { type: "agent:thought", workflowId: 42, data: { content: "x" } })).toMatchObject({ status: "error", code: "VALIDATION_FAILED" });
  });
});

describe("stale workflows", () => {
  it("a running workflow with no update for WORKFLOW_STALE_AFTER_MS ends failed (reason stale) live; one that keeps reporting and a pending one do not", async () => {
    const st = await startServer({ env: { WORKFLOW_STALE_AFTER_MS: "2000" } });
    try {
      const u = await st.createUser("Lead");
      const pid = (await st.createProject(u)).id;
      const c = await subscribe(u.token, `project:${pid}`, st);
      const silentRow = (await create({ name: "Silent" }, u.token, st, pid)).body;
      const silent = silentRow.id as string;
      const busy = (await create({ name: "Busy" }, u.token, st, pid)).body.id as string;
      const waiting = (await create({ name: "Waiting", status: "pending" }, u.token, st, pid)).body.id as string;
      const stale = nextEvent(c, "workflow.failed", (e) => e.data.workflow_id === silent, 15_000);
      let p = 0;
      const keepAlive = setInterval(() => void st.request("POST", `/api/v1/workflows/${busy}/progress`, { token: u.token, body: { progress: ++p } }), 400);
      try {
        const e = await stale;
        // Not before its last update is WORKFLOW_STALE_AFTER_MS old (the server's clock on both sides).
        expect(Date.parse(e.timestamp) - Date.parse(silentRow.updated_at)).toBeGreaterThanOrEqual(2000);
        expect(e.data).toMatchObject({ workflow_id: silent, status: "failed", reason: "stale" });
        expect(e.data.error).toContain("No update for 2 s");
        await new Promise((r) => setTimeout(r, 2500));
      } finally {
        clearInterval(keepAlive);
      }
      const get2 = (id: string) => st.request("GET", `/api/v1/workflows/${id}`, { token: u.token });
      expect((await get2(silent)).body).toMatchObject({ status: "failed", reason: "stale" });
      expect((await get2(silent)).body.errors.at(-1)).toContain("No update for 2 s");
      expect((await get2(busy)).body.status).toBe("running");
      expect((await get2(waiting)).body.status).toBe("pending");
      // Ended once: exactly one workflow.failed for it in the project's history.
      const hist = await st.request("GET", `/api/v1/projects/${pid}/events?after=0&limit=1000`, { token: u.token });
      expect(hist.body.events.filter((e: any) => e.type === "workflow.failed" && e.data.workflow_id === silent)).toHaveLength(1);
      // A late report is refused, not resurrected.
      expectError(await st.request("POST", `/api/v1/workflows/${silent}/progress`, { token: u.token, body: { progress: 90 } }), 409, "INVALID_TRANSITION");
    } finally {
      await st.stop();
    }
  }, 90_000);

  it.skipIf(!testsUsePostgres())("two processes sweeping the same database end each stale workflow once", async () => {
    const { a, b, stop } = await startPair({ WORKFLOW_STALE_AFTER_MS: "1000" });
    try {
      const u = await a.createUser("Lead");
      const pid = (await a.createProject(u)).id;
      const watcher = await subscribe(u.token, `project:${pid}`, b);
      const log = record(watcher);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await create({ name: `W${i}` }, u.token, a, pid)).body.id);
      await expect
        .poll(async () => (await b.request("GET", `/api/v1/projects/${pid}/workflows?status=failed&limit=100`, { token: u.token })).body.workflows.length, { timeout: 20_000, interval: 250 })
        .toBe(12);
      await new Promise((r) => setTimeout(r, 2000)); // both processes swept several times since
      const hist = await a.request("GET", `/api/v1/projects/${pid}/events?after=0&limit=1000`, { token: u.token });
      const failed = hist.body.events.filter((e: any) => e.type === "workflow.failed");
      expect(failed.map((e: any) => e.data.workflow_id).sort()).toEqual([...ids].sort());
      expect(log.filter((e) => e.name === "workflow.failed")).toHaveLength(12);
    } finally {
      await stop();
    }
  }, 120_000);
});
