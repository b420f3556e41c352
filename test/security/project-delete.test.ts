// Issue #10, deliverable 10 (bounds), for test runs and projects:
//   - deleting a project removed its rows but left its workspace (the cloned code), its runs' full logs and the
//     events of its rooms (project, jobs, workflows) on the server;
//   - a member could queue any number of runs of a project (each one a shell command on the server);
// Against a real server: after DELETE /projects/{id} the workspace directory, the log files and every event of
// those rooms are gone (read from the database itself once the server stopped), a run in progress included;
// past TEST_RUN_QUEUE_PER_PROJECT waiting or running runs the project gets 429 RATE_LIMITED.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { nextEvent, startServer, testsUsePostgres, createTestDatabase, type TestServer, type TestUser } from "../support/server";

const QUEUE = 3;
let s: TestServer;
let owner: TestUser;
let dataDir: string;
let db: { url: string; drop: () => Promise<void> } | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "switchboard-delete-"));
  db = testsUsePostgres() ? await createTestDatabase() : null;
  s = await startServer({ dataDir, databaseUrl: db?.url, env: { TEST_RUN_QUEUE_PER_PROJECT: String(QUEUE), TEST_RUN_CONCURRENCY: "1", TEST_RUN_TIMEOUT_MS: "60000" } });
  owner = await s.createUser("Owner");
});
afterAll(async () => {
  await s?.stop();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Rows of the server's database: PostgreSQL directly, PGlite once the server has stopped (it holds the files). */
async function query(sql: string, params: unknown[]): Promise<any[]> {
  if (db) {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end();
    }
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const lite = new PGlite(path.join(dataDir, "pglite"));
  try {
    return (await lite.query(sql, params)).rows as any[];
  } finally {
    await lite.close();
  }
}

async function finishedRun(projectId: string) {
  const c = await s.connect({ auth: { token: owner.token } });
  await c.emitWithAck("subscribe", { project_id: projectId });
  const done = nextEvent(c, "test_completed", () => true, 60_000);
  const r = await s.request("POST", `/api/v1/projects/${projectId}/test-runs`, { token: owner.token, body: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  await done;
  c.disconnect();
  return r.body as { test_run_id: string; job_id: string };
}

describe("per-project cap on queued runs", () => {
  it(`answers 429 RATE_LIMITED with Retry-After past ${QUEUE} runs waiting or running; other projects are not affected`, async () => {
    const p = await s.createProject(owner, { test_command: "sleep 20" });
    const started = [];
    for (let i = 0; i < QUEUE; i++) started.push(await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: owner.token, body: {} }));
    expect(started.map((r) => r.status)).toEqual(Array(QUEUE).fill(202));
    const refused = await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: owner.token, body: {} });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "RATE_LIMITED", details: { queued: QUEUE, limit: QUEUE } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // runs reported by CI do not run anything here and are not counted
    expect((await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: owner.token, body: { source: "external" } })).status).toBe(202);
    const other = await s.createProject(owner, { test_command: "echo hi" });
    expect((await s.request("POST", `/api/v1/projects/${other.id}/test-runs`, { token: owner.token, body: {} })).status).toBe(202);
    // a cancelled run frees its place
    await s.request("POST", `/api/v1/test-runs/${started[2]!.body.test_run_id}/cancel`, { token: owner.token });
    await new Promise((r) => setTimeout(r, 500));
    expect((await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: owner.token, body: {} })).status).toBe(202);
    // the project's deletion stops them all (and the next test's project runs without waiting behind them)
    expect((await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: owner.token })).status).toBe(204);
  }, 90_000);
});

describe("deleting a project", () => {
  it("removes its workspace, its runs' logs and the events of its rooms (project, jobs, workflows), a run in progress included", async () => {
    const repo = path.join(s.dataDir, "repos", "doomed");
    mkdirSync(repo, { recursive: true });
    writeFileSync(path.join(repo, "code.txt"), "the project's code");
    execFileSync("git", ["init", "-q"], { cwd: repo });
    execFileSync("git", ["add", "-A"], { cwd: repo });
    execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "x"], { cwd: repo });
    const p = await s.createProject(owner, { repository_url: repo, test_command: "echo 'TAP version 13'; echo 'ok 1 - works'; echo '1..1'" });
    const keep = await s.createProject(owner, { test_command: "echo 'ok 1 - kept'" });
    const done = await finishedRun(p.id);
    const kept = await finishedRun(keep.id);
    const wf = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: owner.token, body: { name: "deploy" } });
    expect(wf.status).toBe(201);
    await s.request("POST", `/api/v1/workflows/${wf.body.id}/progress`, { token: owner.token, body: { progress: 10, logs: ["step one"] } });
    // a run still going when the project is deleted
    await s.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { test_command: "echo 'ok 1 - first'; sleep 30" } });
    const c = await s.connect({ auth: { token: owner.token } });
    await c.emitWithAck("subscribe", { project_id: p.id });
    const firstResult = nextEvent(c, "test_result", () => true, 30_000);
    const live = await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: owner.token, body: {} });
    expect(live.status).toBe(202);
    await firstResult;

    const ws = path.join(s.dataDir, "workspaces", p.id);
    const logs = path.join(s.dataDir, "runs");
    expect(existsSync(path.join(ws, "code.txt"))).toBe(true);
    expect(existsSync(path.join(logs, `${done.test_run_id}.log`))).toBe(true);

    const t0 = Date.now();
    expect((await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: owner.token })).status).toBe(204);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(existsSync(ws)).toBe(false);
    expect(readdirSync(logs).filter((f) => f.startsWith(done.test_run_id) || f.startsWith(live.body.test_run_id))).toEqual([]);
    // the other project keeps everything
    expect(existsSync(path.join(logs, `${kept.test_run_id}.log`))).toBe(true);
    expect(existsSync(path.join(s.dataDir, "workspaces", keep.id))).toBe(true);
    // nothing of the run in progress is still running or still writing
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(ws)).toBe(false);
    expect(s.alive).toBe(true);

    const rooms = [`project:${p.id}`, `job:${done.job_id}`, `job:${live.body.job_id}`, `workflow:${wf.body.id}`];
    const keptRooms = [`project:${keep.id}`, `job:${kept.job_id}`];
    if (!db) await s.stop(); // PGlite: read its files once the server let go of them
    const gone = await query("SELECT room, count(*)::int AS n FROM events WHERE room = ANY($1) GROUP BY room", [rooms]);
    expect(gone).toEqual([]);
    const still = await query("SELECT room, count(*)::int AS n FROM events WHERE room = ANY($1) GROUP BY room", [keptRooms]);
    expect(still.map((r) => r.room).sort()).toEqual(keptRooms.sort());
  }, 120_000);
});
