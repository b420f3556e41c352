// Test runs with real child processes running small real suites that the tests create.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, nextEvent, record, startServer, testsUsePostgres, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let repo: string;

const TAP_SCRIPT = `
const [n, delay, failAt, crashAt] = process.argv.slice(2).map(Number);
console.log("TAP version 13");
let i = 0;
const tick = () => {
  i++;
  if (i === crashAt) throw new Error("the suite crashed");
  if (i === failAt) { console.log("not ok " + i + " - test " + i + "\\n  ---\\n  message: boom " + i + "\\n  ...");  process.exitCode = 1; }
  else console.log("ok " + i + " - test " + i);
  console.error("stderr after test " + i);
  if (i < n) setTimeout(tick, delay); else console.log("1.." + n);
};
setTimeout(tick, delay);
`;
const NODE_TEST = `
const test = require("node:test"); const assert = require("node:assert");
test("adds", () => assert.equal(1 + 1, 2));
test("fails", () => assert.equal(1 + 1, 3));
test.describe("suite", () => { test.it("inner ok", () => {}); test.it("inner skip", { skip: true }, () => {}); });
`;
const PYTEST_SUITE = `
import pytest
def test_adds(): assert 1 + 1 == 2
def test_fails(): assert 1 + 1 == 3
@pytest.mark.skip(reason="later")
def test_later(): pass
`;
const HAVE_PYTEST = (() => {
  try {
    execFileSync("python3", ["-m", "pytest", "--version"], { stdio: "ignore" });
    return true;
  } catch {
    console.warn("!!! pytest is not installed on this machine: the pytest JUnit test is skipped");
    return false;
  }
})();
const JUNIT_WRITER = `
const fs = require("node:fs");
fs.mkdirSync("test-results", { recursive: true });
fs.writeFileSync("test-results/junit.xml", '<?xml version="1.0"?><testsuites><testsuite name="math"><testcase name="adds" time="0.01"/><testcase name="divides" time="0.02"><failure message="division by zero">stack</failure></testcase><testcase name="later"><skipped/></testcase></testsuite></testsuites>');
`;

function git(dir: string, ...args: string[]) {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8" });
}

beforeAll(async () => {
  s = await startServer({ env: { TEST_RUN_TIMEOUT_MS: "8000", TEST_RUN_CONCURRENCY: "2" } });
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
  repo = path.join(s.dataDir, "repos", "suites");
  mkdirSync(path.join(repo, "nt"), { recursive: true });
  writeFileSync(path.join(repo, "tap.js"), TAP_SCRIPT);
  writeFileSync(path.join(repo, "nt", "math.test.js"), NODE_TEST);
  writeFileSync(path.join(repo, "junit.js"), JUNIT_WRITER);
  mkdirSync(path.join(repo, "py"), { recursive: true });
  writeFileSync(path.join(repo, "py", "test_math.py"), PYTEST_SUITE);
  git(repo, "init", "-q");
  git(repo, "add", "-A");
  git(repo, "-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "suites");
});
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

async function project(testCommand: string | null) {
  const p = await s.createProject(owner, { repository_url: repo, ...(testCommand ? { test_command: testCommand } : {}) });
  await s.addMember(owner, p.id, member, "member");
  await s.addMember(owner, p.id, viewer, "viewer");
  return p;
}

async function watchProject(user: TestUser, projectId: string) {
  const c = await s.connect({ auth: { token: user.token } });
  expect(await c.emitWithAck("subscribe", { project_id: projectId })).toMatchObject({ status: "success" });
  return c;
}

const start = (projectId: string, user = member, body: object = {}) => s.request("POST", `/api/v1/projects/${projectId}/test-runs`, { token: user.token, body });
const forRun = (id: string) => (e: any) => e.data.test_run_id === id;
const getRun = async (id: string) => (await s.request("GET", `/api/v1/test-runs/${id}`, { token: viewer.token })).body;

function expectError(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
}

describe("local runs", () => {
  it("streams a TAP suite result by result to the project and job rooms, with the run's trace_id", async () => {
    const p = await project("node tap.js 5 60 3");
    const proj = await watchProject(owner, p.id);
    const projLog = record(proj);
    const done = nextEvent(proj, "test_completed");
    const r = await start(p.id);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ test_run_id: expect.any(String), job_id: expect.any(String), trace_id: expect.any(String) });
    const jobber = await s.connect({ auth: { token: viewer.token } });
    const jobLog = record(jobber);
    expect(await jobber.emitWithAck("join_job", { job_id: r.body.job_id, since: 0 })).toMatchObject({ status: "success", room: `job:${r.body.job_id}` });
    const completed = await done;
    expect(completed.data).toMatchObject({ test_run_id: r.body.test_run_id, status: "failed", passed: 4, failed: 1, skipped: 0, total: 5, exit_code: 1 });
    expect(completed.trace_id).toBe(r.body.trace_id);
    await nextEvent(jobber, "job_complete").catch(() => undefined);

    const names = projLog.map((e) => e.name).filter((n) => n.startsWith("test_"));
    expect(names).toEqual(["test_run.created", "test_started", "test_result", "test_result", "test_result", "test_result", "test_result", "test_completed"]);
    const results = projLog.filter((e) => e.name === "test_result").map((e) => e.payload);
    expect(results.map((e) => [e.data.seq, e.data.name, e.data.status])).toEqual([
      [0, "test 1", "passed"],
      [1, "test 2", "passed"],
      [2, "test 3", "failed"],
      [3, "test 4", "passed"],
      [4, "test 5", "passed"],
    ]);
    expect(results[2].data.error).toContain("boom 3");
    expect(projLog.filter((e) => e.name.startsWith("test_") && e.name !== "test_run.created").every((e) => e.payload.trace_id === r.body.trace_id)).toBe(true);
    // results arrived while the command ran, not all at the end
    const ts = results.map((e) => new Date(e.timestamp).getTime());
    expect(ts[4]! - ts[0]!).toBeGreaterThanOrEqual(150);

    const jobNames = new Set(jobLog.map((e) => e.name));
    for (const n of ["joined", "test_started", "test_result", "job_progress", "job_log", "job_complete", "test_completed"]) expect(jobNames).toContain(n);
    const logLines = jobLog.filter((e) => e.name === "job_log").flatMap((e) => e.payload.data.lines);
    expect(logLines).toContain("ok 1 - test 1");
    expect(jobLog.filter((e) => e.name === "job_log" && e.payload.data.level === "error").flatMap((e) => e.payload.data.lines)).toContain("stderr after test 5");
    // stdout and stderr keep their relative order in the live log
    const ordered = jobLog.filter((e) => e.name === "job_log").flatMap((e) => e.payload.data.lines as string[]);
    expect(ordered.indexOf("ok 2 - test 2")).toBeLessThan(ordered.indexOf("stderr after test 2"));
    expect(ordered.indexOf("stderr after test 2")).toBeLessThan(ordered.indexOf("not ok 3 - test 3"));
    const progress = jobLog.filter((e) => e.name === "job_progress").map((e) => e.payload.data);
    expect(progress.at(-1)).toMatchObject({ percentage: 100, done: 5, total: 5 });
    expect(jobLog.find((e) => e.name === "job_complete")!.payload.data).toMatchObject({ job_id: r.body.job_id, result: { status: "failed", passed: 4, failed: 1 } });

    const run = await getRun(r.body.test_run_id);
    expect(run).toMatchObject({ status: "failed", passed: 4, failed: 1, skipped: 0, total: 5, source: "local", command: "node tap.js 5 60 3", started_by: member.id, started_by_name: "Member" });
    expect(run.results).toHaveLength(5);
    const list = (await s.request("GET", `/api/v1/projects/${p.id}/test-runs`, { token: viewer.token })).body.test_runs;
    expect(list[0]).toMatchObject({ id: r.body.test_run_id, status: "failed" });
  });

  it("reads node --test (nested suites, skips) and JUnit XML files", async () => {
    const p = await project("node --test nt/ ; node junit.js");
    const c = await watchProject(member, p.id);
    const done = nextEvent(c, "test_completed");
    const r = await start(p.id);
    expect((await done).data).toMatchObject({ test_run_id: r.body.test_run_id, status: "failed" });
    const run = await getRun(r.body.test_run_id);
    const byName = Object.fromEntries(run.results.map((x: any) => [x.name, x.status]));
    expect(byName).toEqual({
      adds: "passed",
      fails: "failed",
      "suite > inner ok": "passed",
      "suite > inner skip": "skipped",
      "math > adds": "passed",
      "math > divides": "failed",
      "math > later": "skipped",
    });
    expect(run.results.find((x: any) => x.name === "math > divides").error).toContain("division by zero");
    expect(run.results.find((x: any) => x.name === "fails").error).toContain("2 == 3");
    expect(run).toMatchObject({ passed: 3, failed: 2, skipped: 2 });
  });

  it.runIf(HAVE_PYTEST)("reads pytest through its JUnit reporter", async () => {
    const p = await project("cd py && python3 -m pytest -q -p no:cacheprovider --junitxml=../test-results/pytest.xml");
    const c = await watchProject(member, p.id);
    const done = nextEvent(c, "test_completed", () => true, 20_000);
    const r = await start(p.id);
    expect((await done).data).toMatchObject({ test_run_id: r.body.test_run_id, status: "failed", passed: 1, failed: 1, skipped: 1 });
    const run = await getRun(r.body.test_run_id);
    expect(run.results.map((x: any) => [x.name, x.status])).toEqual([
      ["pytest > test_math > test_adds", "passed"],
      ["pytest > test_math > test_fails", "failed"],
      ["pytest > test_math > test_later", "skipped"],
    ]);
    expect(run.results[1].error).toContain("assert (1 + 1) == 3");
  }, 30_000);

  it("a command that passes ends passed; one that cannot run ends error; a crash mid-suite ends failed", async () => {
    const cases: [string, string, object][] = [
      ["node tap.js 3 10 0", "passed", { passed: 3, exit_code: 0 }],
      ["exit 3", "error", { passed: 0, exit_code: 3 }],
      ["definitely-not-a-command", "error", { exit_code: 127 }],
      ["node tap.js 5 10 0 3", "failed", { passed: 2, exit_code: 1 }],
    ];
    for (const [cmd, status, extra] of cases) {
      const p = await project(cmd);
      const c = await watchProject(member, p.id);
      const done = nextEvent(c, "test_completed");
      const r = await start(p.id);
      const ev = await done;
      expect(ev.data, cmd).toMatchObject({ test_run_id: r.body.test_run_id, status, ...extra });
      if (status === "error") expect(ev.data.error).toMatch(/exited with/);
    }
  });

  it("a hanging command is stopped by the time limit, its whole process group killed", async () => {
    const marker = 900 + Math.floor(Math.random() * 99);
    const p = await project(`sleep ${marker}.5 & sleep ${marker}.25; echo never`);
    const c = await watchProject(member, p.id);
    const done = nextEvent(c, "test_completed", () => true, 20_000);
    const t0 = Date.now();
    const r = await start(p.id);
    const ev = await done;
    expect(ev.data).toMatchObject({ test_run_id: r.body.test_run_id, status: "timed_out", error: expect.stringMatching(/time limit/) });
    expect(Date.now() - t0).toBeLessThan(14_000);
    await new Promise((res) => setTimeout(res, 300));
    expect(execSync(`pgrep -f "^sleep ${marker}" || true`, { encoding: "utf8" }).trim()).toBe("");
    expect((await s.request("GET", "/api/health")).status).toBe(200);
  }, 30_000);

  it("cancel kills the run; everyone sees cancelled; cancelling again is 409", async () => {
    const p = await project("node tap.js 50 100 0");
    const a = await watchProject(owner, p.id);
    const b = await watchProject(viewer, p.id);
    const first = nextEvent(a, "test_result");
    const r = await start(p.id);
    await first;
    expectError(await s.request("POST", `/api/v1/test-runs/${r.body.test_run_id}/cancel`, { token: viewer.token }), 403, "FORBIDDEN");
    const seenByB = nextEvent(b, "test_completed", forRun(r.body.test_run_id));
    const cancelling = nextEvent(b, "test_run.cancelling", forRun(r.body.test_run_id));
    const running = await getRun(r.body.test_run_id);
    expect(running.status).toBe("running");
    expect(running.passed).toBeGreaterThanOrEqual(1); // live counts while it runs
    const c = await s.request("POST", `/api/v1/test-runs/${r.body.test_run_id}/cancel`, { token: owner.token });
    expect(c.status).toBe(202);
    expect((await cancelling).data).toMatchObject({ cancelled_by: owner.id });
    const ev = await seenByB;
    expect(ev.data.status).toBe("cancelled");
    expect(ev.data.passed).toBeLessThan(50);
    expectError(await s.request("POST", `/api/v1/test-runs/${r.body.test_run_id}/cancel`, { token: owner.token }), 409, "INVALID_TRANSITION");
    expect((await getRun(r.body.test_run_id)).status).toBe("cancelled");
  });

  it("huge output: kept in full on disk, streamed in bounded lines, server unharmed", async () => {
    const p = await project(`node -e "for (let i = 0; i < 200000; i++) console.log('line ' + i + ' ' + 'x'.repeat(40))"`);
    const c = await s.connect({ auth: { token: member.token } });
    await c.emitWithAck("subscribe", { project_id: p.id });
    const log = record(c);
    const done = nextEvent(c, "test_completed", () => true, 30_000);
    const r = await start(p.id);
    await c.emitWithAck("join_job", { job_id: r.body.job_id, since: 0 });
    const ev = await done;
    expect(ev.data).toMatchObject({ status: "passed", total: 0, exit_code: 0 }); // exit code 0, no test reported
    await new Promise((res) => setTimeout(res, 300));
    const lines = log.filter((e) => e.name === "job_log").flatMap((e) => e.payload.data.lines);
    expect(lines.length).toBeLessThanOrEqual(5001);
    expect(lines.at(-1)).toMatch(/output truncated/);
    const full = await s.request("GET", `/api/v1/test-runs/${r.body.test_run_id}/log`, { token: viewer.token });
    expect(full.body.split("\n").filter(Boolean)).toHaveLength(200000);
    expect((await s.request("GET", "/api/health")).status).toBe(200);
  }, 40_000);

  it("a client joining mid-run with since gets the missed results, then live ones", async () => {
    const p = await project("node tap.js 8 120 0");
    const a = await watchProject(member, p.id);
    const aLog = record(a);
    const third = nextEvent(a, "test_result", (e) => e.data.seq === 2);
    const r = await start(p.id);
    await third;
    const late = await s.connect({ auth: { token: viewer.token } });
    const lateLog = record(late);
    const ack = await late.emitWithAck("join_job", { job_id: r.body.job_id, since: 0 });
    expect(ack.status).toBe("success");
    expect(ack.replayed).toBeGreaterThanOrEqual(3);
    await nextEvent(late, "test_completed", () => true, 10_000);
    const seqs = lateLog.filter((e) => e.name === "test_result").map((e) => e.payload.data.seq);
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const ids = lateLog.filter((e) => e.payload?.id).map((e) => BigInt(e.payload.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    void aLog;
  });

  it("the command runs with a scrubbed environment (no server secrets)", async () => {
    const p = await project("env");
    const c = await watchProject(member, p.id);
    const done = nextEvent(c, "test_completed");
    const r = await start(p.id);
    await done;
    const log = (await s.request("GET", `/api/v1/test-runs/${r.body.test_run_id}/log`, { token: member.token })).body as string;
    expect(log).toContain("CI=true");
    for (const secret of ["AUTH_SECRET", s.env.AUTH_SECRET!, "DATA_DIR", "DATABASE_URL", "NEXTAUTH_SECRET"]) expect(log).not.toContain(secret);
  });

  it("at most TEST_RUN_CONCURRENCY runs at once; the others wait queued", async () => {
    const p = await project("node tap.js 4 150 0");
    const c = await watchProject(member, p.id);
    const log = record(c);
    const runs = [(await start(p.id)).body, (await start(p.id)).body, (await start(p.id)).body];
    const all = runs.map((x) => nextEvent(c, "test_completed", forRun(x.test_run_id), 20_000));
    for (const ev of await Promise.all(all)) expect(ev.data.status).toBe("passed");
    // In the order things happened, never more than two runs between test_started and test_completed.
    let running = 0;
    let most = 0;
    for (const e of log) {
      if (e.name === "test_started") most = Math.max(most, ++running);
      if (e.name === "test_completed") running--;
    }
    expect(most).toBe(2);
    const third = log.findIndex((e) => e.name === "test_started" && e.payload.data.test_run_id === runs[2].test_run_id);
    expect(log.slice(0, third).some((e) => e.name === "test_completed")).toBe(true);
  }, 30_000);
});

describe("external runs and refusals", () => {
  it("a CI system creates a run and posts results over REST; the same events flow", async () => {
    const p = await project(null);
    const c = await watchProject(viewer, p.id);
    const log = record(c);
    const r = await start(p.id, member, { source: "external", name: "GitHub Actions #42", total: 3 });
    expect(r.status).toBe(202);
    const post = await s.request("POST", `/api/v1/test-runs/${r.body.test_run_id}/results`, {
      token: member.token,
      body: { results: [{ name: "api > health", status: "passed", duration_ms: 12 }, { name: "api > login", status: "failed", duration_ms: 40, error: "401 != 200" }] },
    });
    expect(post.status).toBe(202);
    expect(post.body).toMatchObject({ accepted: 2, passed: 1, failed: 1 });
    await s.request("POST", `/api/v1/test-runs/${r.body.test_run_id}/results`, { token: member.token, body: { results: [{ name: "ui > renders", status: "skipped" }] } });
    const done = nextEvent(c, "test_completed");
    const fin = await s.request("POST", `/api/v1/test-runs/${r.body.test_run_id}/complete`, { token: member.token, body: {} });
    expect(fin.status).toBe(200);
    expect(fin.body).toMatchObject({ status: "failed", passed: 1, failed: 1, skipped: 1, source: "external", name: "GitHub Actions #42" });
    expect((await done).data).toMatchObject({ status: "failed", passed: 1, failed: 1, skipped: 1 });
    expect(log.filter((e) => e.name === "test_result").map((e) => e.payload.data.seq)).toEqual([0, 1, 2]);
    expectError(await s.request("POST", `/api/v1/test-runs/${r.body.test_run_id}/results`, { token: member.token, body: { results: [{ name: "late", status: "passed" }] } }), 409, "INVALID_TRANSITION");
  });

  it("refuses: no test command, viewers, outsiders, unknown ids, bad bodies, results for local runs", async () => {
    const none = await project(null);
    expectError(await start(none.id), 409, "NO_TEST_COMMAND");
    const p = await project("node tap.js 2 10 0");
    expectError(await start(p.id, viewer), 403, "FORBIDDEN");
    expectError(await start(p.id, outsider), 404, "NOT_FOUND");
    expectError(await start(p.id, member, { source: "elsewhere" }), 400, "VALIDATION_FAILED");
    for (const id of ["nope", "00000000-0000-4000-8000-000000000000"]) {
      expectError(await s.request("GET", `/api/v1/test-runs/${id}`, { token: member.token }), 404, "NOT_FOUND");
      expectError(await s.request("POST", `/api/v1/test-runs/${id}/cancel`, { token: member.token }), 404, "NOT_FOUND");
    }
    const c = await watchProject(member, p.id);
    const done = nextEvent(c, "test_completed");
    const r = await start(p.id);
    expectError(await s.request("GET", `/api/v1/test-runs/${r.body.test_run_id}`, { token: outsider.token }), 404, "NOT_FOUND");
    expectError(await s.request("POST", `/api/v1/test-runs/${r.body.test_run_id}/results`, { token: member.token, body: { results: [{ name: "x", status: "passed" }] } }), 409, "INVALID_TRANSITION");
    await done;
    const ext = await start(p.id, member, { source: "external" });
    expectError(await s.request("POST", `/api/v1/test-runs/${ext.body.test_run_id}/results`, { token: member.token, body: { results: [] } }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", `/api/v1/test-runs/${ext.body.test_run_id}/results`, { token: member.token, body: { results: [{ name: "x", status: "great" }] } }), 400, "VALIDATION_FAILED");
  });
});

describe("restart", () => {
  it("a run in progress when the server stops ends error with a reason at the next start; its processes are gone", async () => {
    const dataDir = path.join(s.dataDir, "restart-data");
    mkdirSync(dataDir, { recursive: true });
    const env = { AUTH_SECRET: "restart-secret-0123456789abcdef", TEST_RUN_TIMEOUT_MS: "60000" };
    const marker = 800 + Math.floor(Math.random() * 99);
    const db = testsUsePostgres() ? await createTestDatabase() : null;
    const databaseUrl = db?.url;
    const one = await startServer({ dataDir, env, databaseUrl });
    try {
    const u = await one.createUser();
    const p = await one.createProject(u, { test_command: `echo "ok 1 - first"; echo "# waiting"; sleep ${marker}.5` });
    const c = await one.connect({ auth: { token: u.token } });
    await c.emitWithAck("subscribe", { project_id: p.id });
    const first = nextEvent(c, "test_result");
    const r = await one.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: u.token, body: {} });
    await first;
    expect(await one.stop()).toBe(0);
    expect(execSync(`pgrep -f "^sleep ${marker}" || true`, { encoding: "utf8" }).trim()).toBe("");
    const two = await startServer({ dataDir, env, databaseUrl });
    try {
      const run = (await two.request("GET", `/api/v1/test-runs/${r.body.test_run_id}`, { token: u.token })).body;
      expect(run).toMatchObject({ status: "error", error: expect.stringMatching(/server stopped/), passed: 1 });
    } finally {
      await two.stop();
    }
    } finally {
      await one.stop();
      await db?.drop();
    }
  }, 60_000);
});
