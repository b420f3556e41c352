// The activity feed (GET /api/v1/projects/{id}/feed) and the projects list's live status, against a real server:
// human-level items only (a run's 600 results are one item with its counts), newest first, cursor paging,
// kinds filters, the attacks (non-members, huge limits, bad cursors, unknown kinds), and on PostgreSQL a
// 20,000-event room read through the (room, type, id) index (EXPLAIN shows no scan of the room's history).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { startServer, nextEvent, testsUsePostgres, type TestServer, type TestUser } from "../support/server";
import { agentWithToken, until } from "../delivery/helpers";
import { feedHeadsSql } from "@/lib/feed/sql";
import { FEED_HEADS, FEED_KINDS } from "@/lib/feed/kinds";

let s: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let p: { id: string };
let runId: string;
let runningWorkflow: string;
let doneWorkflow: string;
let agentId: string;

const feed = (q = "", user = viewer, projectId = p.id) => s.request("GET", `/api/v1/projects/${projectId}/feed${q}`, { token: user.token });
const expectError = (r: { status: number; body: any }, status: number, code: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toMatchObject({ error: { code, message: expect.any(String) } });
};

beforeAll(async () => {
  s = await startServer();
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
  p = await s.createProject(owner);
  await s.addMember(owner, p.id, member, "member");
  await s.addMember(owner, p.id, viewer, "viewer");

  // A CI run reporting 600 results: 600 test_result events in the project room, one feed item.
  const run = await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: member.token, body: { source: "external", name: "CI #7", total: 600 } });
  expect(run.status, JSON.stringify(run.body)).toBe(202);
  runId = run.body.test_run_id;
  const results = Array.from({ length: 600 }, (_, i) => ({ name: `suite > test ${i}`, status: i % 60 === 0 ? "failed" : "passed" }));
  const post = await s.request("POST", `/api/v1/test-runs/${runId}/results`, { token: member.token, body: { results } });
  expect(post.status, JSON.stringify(post.body)).toBeLessThan(300);
  expect((await s.request("POST", `/api/v1/test-runs/${runId}/complete`, { token: member.token, body: {} })).status).toBe(200);

  // Two workflows: one finished after progress updates, one still running.
  const w1 = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: member.token, body: { name: "deploy", total_steps: 2 } });
  doneWorkflow = w1.body.id;
  await s.request("POST", `/api/v1/workflows/${doneWorkflow}/progress`, { token: member.token, body: { progress: 50, current_step: 1, step_name: "build" } });
  await s.request("POST", `/api/v1/workflows/${doneWorkflow}/complete`, { token: member.token, body: {} });
  const w2 = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: member.token, body: { name: "index" } });
  runningWorkflow = w2.body.id;

  await s.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { description: "now with a feed" } });
}, 240_000);
afterAll(async () => {
  await s?.stop();
});

describe("GET /api/v1/projects/{id}/feed", () => {
  it("lists human-level items newest first; a run's results and a workflow's progress fold into one item each", async () => {
    const r = await feed();
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const types = r.body.items.map((i: any) => i.envelope.type);
    expect(types).toEqual(["project.updated", "workflow.started", "workflow.started", "test_run.created", "member.added", "member.added"]);
    const ids = r.body.items.map((i: any) => BigInt(i.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
    expect(r.body.next_before).toBeNull();
    expect(r.body.kinds).toEqual(["people", "vibecode", "tests", "workflows", "agents", "github"]);
    const run = r.body.items.find((i: any) => i.kind === "tests");
    expect(run.summary).toMatchObject({ kind: "run", status: "failed", passed: 590, failed: 10, skipped: 0, total: 600 });
    expect(run.summary.finished_at).toEqual(expect.any(String));
    const wf = r.body.items.filter((i: any) => i.kind === "workflows");
    expect(wf.find((i: any) => i.envelope.data.workflow_id === doneWorkflow).summary).toMatchObject({ kind: "workflow", status: "completed", progress: 100 });
    expect(wf.find((i: any) => i.envelope.data.workflow_id === runningWorkflow).summary).toMatchObject({ kind: "workflow", status: "running", progress: 0 });
    expect(r.body.items.filter((i: any) => i.kind === "people").map((i: any) => i.summary)).toEqual([null, null, null]);
  });

  it("pages with before/next_before: every item once, in order", async () => {
    const all = (await feed()).body.items.map((i: any) => i.id);
    const paged: string[] = [];
    let before: string | null = null;
    for (let n = 0; n < 10; n++) {
      const r = await feed(`?limit=2${before ? `&before=${before}` : ""}`);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...r.body.items.map((i: any) => i.id));
      before = r.body.next_before;
      if (!before) break;
    }
    expect(paged).toEqual(all);
  });

  it("filters by kinds", async () => {
    const tests = await feed("?kinds=tests");
    expect(tests.body.items.map((i: any) => i.envelope.type)).toEqual(["test_run.created"]);
    expect(tests.body.kinds).toEqual(["tests"]);
    const two = await feed("?kinds=people,workflows,people");
    expect(new Set(two.body.items.map((i: any) => i.kind))).toEqual(new Set(["people", "workflows"]));
    expect(two.body.kinds).toEqual(["people", "workflows"]);
    expect((await feed("?kinds=github")).body).toMatchObject({ items: [], next_before: null });
  });

  it("refuses non-members, and a project-scoped token of another project", async () => {
    expectError(await feed("", outsider), 404, "NOT_FOUND");
    expectError(await feed("?kinds=nope&limit=99999", outsider), 404, "NOT_FOUND"); // no hint before access is checked
    expectError(await s.request("GET", `/api/v1/projects/${p.id}/feed`), 401, "UNAUTHENTICATED");
    expectError(await feed("", viewer, "not-a-uuid"), 404, "NOT_FOUND");
    const other = await s.createProject(owner);
    const t = await s.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "scoped", kind: "personal", project_ids: [other.id] } });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expectError(await s.request("GET", `/api/v1/projects/${p.id}/feed`, { token: t.body.token }), 404, "NOT_FOUND");
    expect((await s.request("GET", `/api/v1/projects/${other.id}/feed`, { token: t.body.token })).status).toBe(200);
  });

  it("refuses a huge or bad limit, a bad cursor and unknown kinds with 400", async () => {
    for (const q of ["?limit=101", "?limit=100000000", "?limit=0", "?limit=-1", "?limit=abc", "?limit=1e3"]) expectError(await feed(q), 400, "VALIDATION_FAILED");
    for (const q of ["?before=abc", "?before=-1", "?before=1.5", "?before=99999999999999999999", `?before=${"9".repeat(5000)}`, "?before=9223372036854775808"]) {
      expectError(await feed(q), 400, "VALIDATION_FAILED");
    }
    const unknown = await feed("?kinds=tests,secrets");
    expectError(unknown, 400, "VALIDATION_FAILED");
    expect(JSON.stringify(unknown.body)).toContain("people, vibecode, tests, workflows, agents, github");
    expectError(await feed(`?kinds=${encodeURIComponent("tests');DROP TABLE events;--")}`), 400, "VALIDATION_FAILED");
    expectError(await feed(`?kinds=${"people,".repeat(100)}`), 400, "VALIDATION_FAILED");
    expect((await feed("?limit=100&before=9223372036854775807")).status).toBe(200);
    expect((await feed("?kinds=")).body.kinds).toHaveLength(6); // empty: all
  });
});

describe("the projects list's live status", () => {
  it("says the last run's result, the running workflows, the agents online and the last activity", async () => {
    const { agent, token } = await agentWithToken(s, owner, [p.id], "Feed bot");
    agentId = agent.id;
    const watcher = await s.connect({ auth: { token: owner.token } });
    await watcher.emitWithAck("subscribe", { room: `project:${p.id}` });
    const online = nextEvent(watcher, "agent.connected", (e: any) => e.room === `project:${p.id}`);
    const bot = await s.connect({ auth: { token } });
    await online;
    const r = await s.request("GET", "/api/v1/projects", { token: viewer.token });
    expect(r.status).toBe(200);
    const mine = r.body.projects.find((x: any) => x.id === p.id);
    expect(mine.activity).toMatchObject({
      last_run: { id: runId, status: "failed", passed: 590, failed: 10, total: 600 },
      running_workflows: [runningWorkflow],
      agents_online: [agentId],
      last_activity_at: expect.any(String),
    });
    expect(Date.now() - new Date(mine.activity.last_activity_at).getTime()).toBeLessThan(60_000);
    bot.disconnect();
    await until("the agent is offline in the list", async () => {
      const again = await s.request("GET", "/api/v1/projects", { token: viewer.token });
      return again.body.projects.find((x: any) => x.id === p.id).activity.agents_online.length === 0;
    });
    // The agent's connect/disconnect are feed items of kind "agents" (agent.disconnected is published after the
    // presence it ends is gone: the list may say "offline" a moment before the event is stored).
    const types = async () => (await feed("?kinds=agents")).body.items.map((i: any) => i.envelope.type);
    await until("agent.disconnected in the feed", async () => (await types()).length >= 2);
    expect(await types()).toEqual(["agent.disconnected", "agent.connected"]);
    watcher.disconnect();
  });
});

describe.runIf(testsUsePostgres())("a 20,000-event project room (PostgreSQL)", () => {
  it("reads one page through the (room, type, id) index, not the room's history", async () => {
    const q = await s.createProject(owner);
    const room = `project:${q.id}`;
    const client = new pg.Client({ connectionString: s.env.DATABASE_URL });
    await client.connect();
    try {
      // 20,000 events: every 100th a member.added, the rest a run's test_result and vibecode_chunk noise.
      await client.query(
        `INSERT INTO events (room, type, source, data)
         SELECT $1, CASE WHEN g % 100 = 0 THEN 'member.added' WHEN g % 2 = 0 THEN 'test_result' ELSE 'vibecode_chunk' END, 'bench',
                jsonb_build_object('seq', g, 'project_id', $2::text, 'user_id', $2::text, 'name', 'n' || g, 'status', 'passed')
         FROM generate_series(1, 20000) g`,
        [room, q.id],
      );
      await client.query("ANALYZE events");
      const timings: number[] = [];
      let before: string | null = null;
      let seen = 0;
      for (let page = 0; page < 7; page++) {
        const t0 = performance.now();
        const r: { status: number; body: any } = await s.request("GET", `/api/v1/projects/${q.id}/feed?limit=30${before ? `&before=${before}` : ""}`, { token: owner.token });
        timings.push(performance.now() - t0);
        expect(r.status).toBe(200);
        expect(r.body.items.every((i: any) => i.envelope.type === "member.added")).toBe(true);
        seen += r.body.items.length;
        before = r.body.next_before;
        if (!before) break;
      }
      expect(seen).toBe(200);
      const sorted = [...timings].sort((a, b) => a - b);
      console.log(`[feed] 20,000-event room: ${timings.length} pages of 30, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (over HTTP)`);
      // The query plan reads index ranges per head type: no sequential scan, and far fewer rows than the room has.
      // The server's own query text, planned as a generic plan too (what a prepared statement gets after a few runs).
      const sql = feedHeadsSql(FEED_KINDS.flatMap((k) => FEED_HEADS[k]), 31);
      await client.query("SET plan_cache_mode = force_generic_plan");
      await client.query(`PREPARE feed_page(text, bigint) AS ${sql}`);
      expect(room).toMatch(/^project:[0-9a-f-]{36}$/); // inlined below (EXECUTE takes no bind parameters)
      const plan = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE feed_page('${room}', 9223372036854775807)`);
      const text = JSON.stringify(plan.rows[0]["QUERY PLAN"]);
      const executionMs = plan.rows[0]["QUERY PLAN"][0]["Execution Time"];
      console.log(`[feed] the page query itself on PostgreSQL (generic plan): ${executionMs} ms`);
      expect(text, text).not.toContain("Seq Scan");
      expect(text, text).not.toContain("events_pkey");
      expect(text, text).toContain("events_room_type_id_idx");
      const rowsRead = [...text.matchAll(/"Relation Name":"events"[^}]*?"Actual Rows":(\d+)/g)].map((m) => Number(m[1]));
      expect(rowsRead.length).toBeGreaterThan(0);
      expect(rowsRead.reduce((a, b) => a + b, 0), text).toBeLessThanOrEqual(31 + rowsRead.length); // a merge: barely more than one page
      expect(text, text).not.toContain("Rows Removed by Filter");
    } finally {
      await client.end();
    }
  }, 120_000);
});
