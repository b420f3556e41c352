// Workflows over REST: lifecycle, events to the project and workflow rooms, transition rules, refusals.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";

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
});
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

function expectError(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
}

const create = (body: object = { name: "Build", total_steps: 3 }, user = member, pid = projectId) =>
  s.request("POST", `/api/v1/projects/${pid}/workflows`, { token: user.token, body });
const progress = (id: string, body: object, user = member) => s.request("POST", `/api/v1/workflows/${id}/progress`, { token: user.token, body });
const complete = (id: string, body: object = {}, user = member) => s.request("POST", `/api/v1/workflows/${id}/complete`, { token: user.token, body });
const fail = (id: string, body: object = { error: "boom" }, user = member) => s.request("POST", `/api/v1/workflows/${id}/fail`, { token: user.token, body });
const get = (id: string, user = viewer) => s.request("GET", `/api/v1/workflows/${id}`, { token: user.token });

async function subscribe(user: TestUser, room: string) {
  const c = await s.connect({ auth: { token: user.token } });
  expect(await c.emitWithAck("subscribe", { room })).toMatchObject({ status: "success" });
  return c;
}

describe("lifecycle", () => {
  it("creates, progresses and completes a workflow, publishing to the project and workflow rooms", async () => {
    const proj = await subscribe(viewer, `project:${projectId}`);
    const projLog = record(proj);
    const started = nextEvent(proj, "workflow.started");
    const r = await create({ name: "Deploy", total_steps: 3 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ project_id: projectId, name: "Deploy", status: "running", progress: 0, current_step: 0, total_steps: 3 });
    expect(typeof r.body.created_at).toBe("string");
    const id = r.body.id as string;
    expect((await started).data).toMatchObject({ workflow_id: id, status: "running", progress: 0, total_steps: 3 });

    const wf = await subscribe(viewer, `workflow:${id}`);
    const wfLog = record(wf);
    const p1 = nextEvent(wf, "workflow.progress");
    const r1 = await progress(id, { progress: 30, current_step: 1, step_name: "Clone", logs: ["cloning", "cloned"] });
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    expect(r1.body).toMatchObject({ id, progress: 30, current_step: 1, step_name: "Clone", status: "running" });
    expect((await p1).data).toMatchObject({
      workflow_id: id,
      status: "running",
      progress: 30,
      current_step: 1,
      total_steps: 3,
      step_name: "Clone",
      logs: ["cloning", "cloned"],
      errors: [],
    });
    expect((await progress(id, { progress: 30 })).status).toBe(200); // same progress is fine
    expect((await progress(id, { progress: 60, current_step: 2, step_name: "Test", errors: ["flaky test"] })).status).toBe(200);

    const done = nextEvent(wf, "workflow.completed");
    const c = await complete(id, { result: { url: "https://example.test" } }, owner);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: "completed", progress: 100, current_step: 3, result: { url: "https://example.test" } });
    expect(c.body.finished_at).not.toBeNull();
    expect((await done).data).toMatchObject({ workflow_id: id, status: "completed", progress: 100 });

    // Both rooms got the same sequence of workflow events.
    await expect.poll(() => projLog.filter((e) => e.name === "workflow.completed").length).toBe(1);
    const types = (log: typeof projLog) => log.filter((e) => e.name.startsWith("workflow.") && e.payload.data.workflow_id === id).map((e) => e.name);
    expect(types(projLog)).toEqual(["workflow.started", "workflow.progress", "workflow.progress", "workflow.progress", "workflow.completed"]);
    expect(types(wfLog)).toEqual(["workflow.progress", "workflow.progress", "workflow.progress", "workflow.completed"]);
    expect(wfLog[0]!.payload.room).toBe(`workflow:${id}`);

    const g = await get(id);
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ id, status: "completed", logs: ["cloning", "cloned"], errors: ["flaky test"] });
    expect(g.body.steps.map((x: any) => [x.step, x.name, x.progress])).toEqual([
      [1, "Clone", 30],
      [2, "Test", 60],
    ]);
    expect(g.body.events.map((e: any) => e.type)).toEqual(["workflow.started", "workflow.progress", "workflow.progress", "workflow.progress", "workflow.completed"]);
    expect(g.body.last_event_id).toBe(g.body.events.at(-1).id);
  });

  it("fails a workflow with an error, publishing workflow.failed", async () => {
    const id = (await create({ name: "Migrate" })).body.id;
    const wf = await subscribe(member, `workflow:${id}`);
    const failed = nextEvent(wf, "workflow.failed");
    const r = await fail(id, { error: "disk full" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "failed", error: "disk full", total_steps: null });
    expect((await failed).data).toMatchObject({ workflow_id: id, status: "failed", error: "disk full" });
    expect((await get(id)).body.errors).toEqual(["disk full"]);
  });

  it("lists a project's workflows newest first, with a limit, a cursor and a status filter", async () => {
    const p = (await s.createProject(owner)).id;
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) ids.push((await create({ name }, owner, p)).body.id);
    await complete(ids[1]!, {}, owner);
    const all = await s.request("GET", `/api/v1/projects/${p}/workflows`, { token: owner.token });
    expect(all.status).toBe(200);
    expect(all.body.workflows.map((w: any) => w.name)).toEqual(["c", "b", "a"]);
    const page = await s.request("GET", `/api/v1/projects/${p}/workflows?limit=2`, { token: owner.token });
    expect(page.body.workflows.map((w: any) => w.name)).toEqual(["c", "b"]);
    expect(page.body.next_before).toBe(page.body.workflows[1].created_at);
    const rest = await s.request("GET", `/api/v1/projects/${p}/workflows?limit=2&before=${encodeURIComponent(page.body.next_before)}`, { token: owner.token });
    expect(rest.body.workflows.map((w: any) => w.name)).toEqual(["a"]);
    expect(rest.body.next_before).toBeNull();
    const done = await s.request("GET", `/api/v1/projects/${p}/workflows?status=completed`, { token: owner.token });
    expect(done.body.workflows.map((w: any) => w.name)).toEqual(["b"]);
    expectError(await s.request("GET", `/api/v1/projects/${p}/workflows?limit=0`, { token: owner.token }), 400, "VALIDATION_FAILED");
    expectError(await s.request("GET", `/api/v1/projects/${p}/workflows`, { token: outsider.token }), 404, "NOT_FOUND");
  });
});

describe("transition rules", () => {
  it("refuses progress, complete and fail once the workflow is finished", async () => {
    const a = (await create()).body.id;
    await complete(a);
    expectError(await progress(a, { progress: 100 }), 409, "INVALID_TRANSITION");
    expectError(await complete(a), 409, "INVALID_TRANSITION");
    expectError(await fail(a), 409, "INVALID_TRANSITION");
    const b = (await create()).body.id;
    await fail(b);
    expectError(await progress(b, { progress: 10 }), 409, "INVALID_TRANSITION");
    expectError(await complete(b), 409, "INVALID_TRANSITION");
    expectError(await fail(b), 409, "INVALID_TRANSITION");
    expect((await get(b)).body.status).toBe("failed");
  });

  it("refuses progress or steps that go back (409) and values out of range (400)", async () => {
    const id = (await create({ name: "Steps", total_steps: 3 })).body.id;
    expect((await progress(id, { progress: 50, current_step: 2 })).status).toBe(200);
    expectError(await progress(id, { progress: 40 }), 409, "INVALID_TRANSITION");
    expectError(await progress(id, { progress: 60, current_step: 1 }), 409, "INVALID_TRANSITION");
    expectError(await progress(id, { progress: 60, current_step: 4 }), 400, "VALIDATION_FAILED");
    expectError(await progress(id, { progress: 101 }), 400, "VALIDATION_FAILED");
    expectError(await progress(id, { progress: -1 }), 400, "VALIDATION_FAILED");
    expectError(await progress(id, { progress: 55.5 }), 400, "VALIDATION_FAILED");
    expectError(await progress(id, { progress: "60" }), 400, "VALIDATION_FAILED");
    expectError(await progress(id, {}), 400, "VALIDATION_FAILED");
    expectError(await progress(id, { progress: 60, logs: "not a list" }), 400, "VALIDATION_FAILED");
    expectError(await progress(id, { progress: 60, logs: [1, 2] }), 400, "VALIDATION_FAILED");
    const g = (await get(id)).body;
    expect(g).toMatchObject({ progress: 50, current_step: 2 });
  });

  it("keeps the rules under concurrent updates: progress never goes back and only one finish wins", async () => {
    const id = (await create({ name: "Race", total_steps: 100 })).body.id;
    const values = Array.from({ length: 20 }, (_, i) => (i * 37) % 100);
    const results = await Promise.all(values.map((v) => progress(id, { progress: v, current_step: v })));
    for (const r of results) expect([200, 409]).toContain(r.status);
    const g = (await get(id)).body;
    const accepted = g.events.filter((e: any) => e.type === "workflow.progress").map((e: any) => e.data.progress);
    expect(accepted.length).toBe(results.filter((r) => r.status === 200).length);
    expect([...accepted].sort((a: number, b: number) => a - b)).toEqual(accepted); // published in non-decreasing order
    expect(g.progress).toBe(accepted.at(-1));
    const finishes = await Promise.all([complete(id), fail(id), complete(id), fail(id)]);
    expect(finishes.filter((r) => r.status === 200)).toHaveLength(1);
    expect(finishes.filter((r) => r.status === 409)).toHaveLength(3);
    const after = (await get(id)).body.events.filter((e: any) => e.type === "workflow.completed" || e.type === "workflow.failed");
    expect(after).toHaveLength(1);
  });

  it("caps huge logs: long lines are cut and only the newest lines are kept", async () => {
    const id = (await create({ name: "Logs" })).body.id;
    const long = "x".repeat(50_000);
    const r = await progress(id, { progress: 1, logs: [long] });
    expect(r.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const lines = Array.from({ length: 300 }, (_, j) => `line ${i * 300 + j}`);
      expect((await progress(id, { progress: 2 + i, logs: lines })).status).toBe(200);
    }
    const g = (await get(id)).body;
    expect(g.logs).toHaveLength(500);
    expect(g.logs.at(-1)).toBe("line 599");
    expect(g.logs[0]).toBe("line 100");
    const ev = g.events.find((e: any) => e.type === "workflow.progress" && e.data.progress === 1);
    expect(ev.data.logs[0].length).toBeLessThanOrEqual(2000);
    expectError(await progress(id, { progress: 5, logs: Array.from({ length: 1001 }, () => "a") }), 400, "VALIDATION_FAILED");
    expectError(await progress(id, { progress: 5, logs: ["y".repeat(1_100_000)] }), 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("refusals", () => {
  it("lets viewers read but not change, and hides workflows from outsiders", async () => {
    const id = (await create()).body.id;
    expectError(await create({ name: "x" }, viewer), 403, "FORBIDDEN");
    expectError(await progress(id, { progress: 10 }, viewer), 403, "FORBIDDEN");
    expectError(await complete(id, {}, viewer), 403, "FORBIDDEN");
    expectError(await fail(id, { error: "no" }, viewer), 403, "FORBIDDEN");
    expect((await get(id, viewer)).status).toBe(200);
    expectError(await create({ name: "x" }, outsider), 404, "NOT_FOUND");
    expectError(await progress(id, { progress: 10 }, outsider), 404, "NOT_FOUND");
    expectError(await complete(id, {}, outsider), 404, "NOT_FOUND");
    expectError(await get(id, outsider), 404, "NOT_FOUND");
    const c = await s.connect({ auth: { token: outsider.token } });
    expect(await c.emitWithAck("subscribe", { room: `workflow:${id}` })).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
    expectError(await s.request("GET", `/api/v1/workflows/${id}`), 401, "UNAUTHENTICATED");
    expect((await get(id)).body.progress).toBe(0);
  });

  it("answers 404 for unknown and malformed ids, 400 for bad bodies", async () => {
    const unknown = "00000000-0000-4000-8000-000000000001";
    for (const id of [unknown, "nope", "1; drop table"]) {
      expectError(await get(encodeURIComponent(id)), 404, "NOT_FOUND");
      expectError(await progress(encodeURIComponent(id), { progress: 1 }), 404, "NOT_FOUND");
      expectError(await complete(encodeURIComponent(id)), 404, "NOT_FOUND");
      expectError(await fail(encodeURIComponent(id)), 404, "NOT_FOUND");
    }
    expectError(await create({ name: "x" }, member, unknown), 404, "NOT_FOUND");
    expectError(await create({ name: "x" }, member, "zzz"), 404, "NOT_FOUND");
    expectError(await create({}), 400, "VALIDATION_FAILED");
    expectError(await create({ name: "" }), 400, "VALIDATION_FAILED");
    expectError(await create({ name: "x", total_steps: 0 }), 400, "VALIDATION_FAILED");
    expectError(await create({ name: "x", total_steps: "3" }), 400, "VALIDATION_FAILED");
    const bad = await s.request("POST", `/api/v1/projects/${projectId}/workflows`, { token: member.token, body: "[1,2]" as never });
    expectError(bad, 400, "VALIDATION_FAILED");
    const id = (await create()).body.id;
    expectError(await fail(id, {}), 400, "VALIDATION_FAILED");
    expectError(await fail(id, { error: 5 }), 400, "VALIDATION_FAILED");
  });
});

describe("OpenAPI", () => {
  it("serves the document without a credential, with the workflow routes and their schemas", async () => {
    const r = await s.request("GET", "/api/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(r.body.openapi).toBe("3.1.0");
    expect(Object.keys(r.body.paths["/api/v1/workflows/{id}/progress"])).toEqual(["post"]);
    expect(r.body.paths["/api/v1/projects/{id}/workflows"].post.responses["201"]).toBeDefined();
    expect(r.body.paths["/api/v1/projects/{id}/workflows"].post.responses["403"]).toBeDefined();
    expect(r.body.paths["/api/v1/openapi.json"].get.security).toBeUndefined();
  });
});
