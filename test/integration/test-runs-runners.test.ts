// Real runners through the server: node --test (spec reporter), vitest and pytest run for real in a test
// repository; per-test test_result events arrive live over a real socket.io-client, and the run records
// which reader read them.
//
// vitest runs from this repository's own install (node_modules/vitest/vitest.mjs, by absolute path): the test
// repository has no node_modules of its own. Once runs are sandboxed, that path must be visible (read-only)
// inside a run, like the node and python3 toolchains.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT, nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let owner: TestUser;
let repo: string;

const VITEST = path.join(ROOT, "node_modules/vitest/vitest.mjs");
const HAVE_PYTEST = (() => {
  try {
    execFileSync("python3", ["-m", "pytest", "--version"], { stdio: "ignore" });
    return true;
  } catch {
    console.warn("!!! pytest is not installed on this machine (Debian: python3-pytest): the pytest runner test is skipped");
    return false;
  }
})();

// Each suite: a pass, a failure, a skip, a nested test, one that prints, and a slow one last (the run is still
// going when the first results must already have arrived).
const NODE_SUITE = `
const { describe, it, test } = require("node:test");
const assert = require("node:assert");
test("adds", () => assert.strictEqual(1 + 1, 2));
test("fails", () => assert.strictEqual(1 + 1, 3));
test("later", { skip: "not yet" }, () => {});
describe("strings", () => { it("joins", () => assert.strictEqual(["a", "b"].join("-"), "a-b")); });
test("prints", () => console.log("hello from a test"));
test("slow", async () => { await new Promise((r) => setTimeout(r, 1500)); });
`;
const VITEST_SUITE = `
test("adds", () => expect(1 + 1).toBe(2));
test("fails", () => expect(1 + 1).toBe(3));
test.skip("later", () => {});
describe("strings", () => { it("joins", () => expect(["a", "b"].join("-")).toBe("a-b")); });
test("prints", () => console.log("hello from a test"));
test("slow", async () => { await new Promise((r) => setTimeout(r, 1500)); });
`;
const PYTEST_SUITE = `
import time
import pytest
def test_adds(): assert 1 + 1 == 2
def test_fails(): assert 1 + 1 == 3
@pytest.mark.skip(reason="not yet")
def test_later(): pass
class TestStrings:
    def test_joins(self): assert "-".join(["a", "b"]) == "a-b"
def test_prints(): print("hello from a test")
def test_slow(): time.sleep(1.5)
`;

// A JUnit report written in two pieces 3 s apart: the first testcase must be read before the second is written.
const JUNIT_SLOW = `
const fs = require("node:fs");
fs.mkdirSync("reports", { recursive: true });
const f = "reports/junit.xml";
fs.writeFileSync(f, '<?xml version="1.0"?>\\n<testsuites><testsuite name="slow">\\n<testcase name="first" time="0.01"/>\\n');
setTimeout(() => {
  fs.appendFileSync(f, '<testcase name="second" time="0.01"><failure message="boom">stack</failure></testcase>\\n</testsuite></testsuites>\\n');
}, 3000);
`;

function git(dir: string, ...args: string[]) {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8" });
}

beforeAll(async () => {
  s = await startServer({ env: { TEST_RUN_TIMEOUT_MS: "60000" } });
  owner = await s.createUser("Owner");
  repo = path.join(s.dataDir, "repos", "runners");
  for (const d of ["nt", "vt", "py"]) mkdirSync(path.join(repo, d), { recursive: true });
  writeFileSync(path.join(repo, "nt", "math.test.js"), NODE_SUITE);
  writeFileSync(path.join(repo, "vt", "math.test.mjs"), VITEST_SUITE);
  writeFileSync(path.join(repo, "py", "test_math.py"), PYTEST_SUITE);
  writeFileSync(path.join(repo, "junit-slow.js"), JUNIT_SLOW);
  git(repo, "init", "-q");
  git(repo, "add", "-A");
  git(repo, "-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "suites");
});
afterAll(async () => {
  await s?.stop();
});
afterEach(() => s.closeSockets());

/** Start the command as a run and follow it live: every test_result as it arrives, with the time it came. */
async function runLive(command: string) {
  const p = await s.createProject(owner, { repository_url: repo, test_command: command });
  const c = await s.connect({ auth: { token: owner.token } });
  expect(await c.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "success" });
  const log = record(c);
  const arrived: number[] = [];
  c.on("test_result", () => arrived.push(Date.now()));
  const first = nextEvent(c, "test_result", () => true, 60_000);
  const done = nextEvent(c, "test_completed", () => true, 90_000);
  const r = await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: owner.token, body: {} });
  expect(r.status).toBe(202);
  await first;
  // The first result is there while the command still runs (its slow test keeps it going).
  const during = (await s.request("GET", `/api/v1/test-runs/${r.body.test_run_id}`, { token: owner.token })).body;
  expect(during.status).toBe("running");
  const completed = await done;
  const results = log.filter((e) => e.name === "test_result").map((e) => e.payload.data);
  const run = (await s.request("GET", `/api/v1/test-runs/${r.body.test_run_id}`, { token: owner.token })).body;
  const doneAt = Date.now();
  return { completed: completed.data, results, run, arrived, doneAt, runId: r.body.test_run_id as string };
}

const summary = (results: { name: string; status: string }[]) => results.map((x) => [x.name, x.status]);

describe("real runners, live", () => {
  it("node --test with the spec reporter", async () => {
    const got = await runLive("node --test --test-reporter=spec nt/");
    expect(summary(got.results)).toEqual([
      ["adds", "passed"],
      ["fails", "failed"],
      ["later", "skipped"],
      ["strings > joins", "passed"],
      ["prints", "passed"],
      ["slow", "passed"],
    ]);
    expect(got.results[1].error).toContain("2 !== 3");
    expect(got.results[0].duration_ms).toEqual(expect.any(Number));
    expect(got.results.every((x) => x.reader === "node-spec")).toBe(true);
    expect(got.completed).toMatchObject({ status: "failed", passed: 4, failed: 1, skipped: 1, reader: "node-spec" });
    expect(got.run).toMatchObject({ reader: "node-spec", passed: 4, failed: 1, skipped: 1 });
    // results came as the tests finished: the slow one ≥ 1.5 s after the first
    expect(got.arrived.at(-1)! - got.arrived[0]!).toBeGreaterThanOrEqual(1000);
  }, 90_000);

  it("vitest (verbose reporter), run from this repository's install", async () => {
    const got = await runLive(`node ${VITEST} run --root vt --globals --reporter=verbose`);
    expect(summary(got.results)).toEqual([
      ["math.test.mjs > adds", "passed"],
      ["math.test.mjs > fails", "failed"],
      ["math.test.mjs > later", "skipped"],
      ["math.test.mjs > strings > joins", "passed"],
      ["math.test.mjs > prints", "passed"],
      ["math.test.mjs > slow", "passed"],
    ]);
    expect(got.results[1].error).toBe("expected 2 to be 3 // Object.is equality");
    expect(got.completed).toMatchObject({ status: "failed", passed: 4, failed: 1, skipped: 1, reader: "vitest" });
    expect(got.run.reader).toBe("vitest");
    expect(got.arrived.at(-1)! - got.arrived[0]!).toBeGreaterThanOrEqual(1000);
  }, 120_000);

  it("vitest (default reporter): a failing file's tests, one by one", async () => {
    const got = await runLive(`node ${VITEST} run --root vt --globals`);
    expect(summary(got.results)).toEqual([
      ["math.test.mjs > adds", "passed"],
      ["math.test.mjs > later", "skipped"],
      ["math.test.mjs > joins", "passed"],
      ["math.test.mjs > prints", "passed"],
      ["math.test.mjs > slow", "passed"],
      ["math.test.mjs > fails", "failed"],
    ]);
    expect(got.results[5].error).toContain("expected 2 to be 3");
    expect(got.completed).toMatchObject({ status: "failed", reader: "vitest" });
  }, 120_000);

  it.runIf(HAVE_PYTEST)("pytest -v", async () => {
    const got = await runLive("python3 -m pytest -v -p no:cacheprovider py/");
    expect(summary(got.results)).toEqual([
      ["py/test_math.py::test_adds", "passed"],
      ["py/test_math.py::test_later", "skipped"],
      ["py/test_math.py::TestStrings::test_joins", "passed"],
      ["py/test_math.py::test_prints", "passed"],
      ["py/test_math.py::test_slow", "passed"],
      ["py/test_math.py::test_fails", "failed"], // with its reason, which pytest prints at the end
    ]);
    expect(got.results[5].error).toContain("assert (1 + 1) == 3");
    expect(got.completed).toMatchObject({ status: "failed", passed: 4, failed: 1, skipped: 1, reader: "pytest" });
    expect(got.run.reader).toBe("pytest");
    expect(got.arrived.at(-2)! - got.arrived[0]!).toBeGreaterThanOrEqual(1000);
  }, 90_000);

  it("a JUnit file is read while it is written: each testcase as it closes, the run says junit", async () => {
    const got = await runLive("node junit-slow.js");
    expect(summary(got.results)).toEqual([
      ["slow > first", "passed"],
      ["slow > second", "failed"],
    ]);
    expect(got.results.every((x) => x.reader === "junit")).toBe(true);
    expect(got.completed).toMatchObject({ status: "failed", passed: 1, failed: 1, reader: "junit" });
    expect(got.run.reader).toBe("junit");
    expect(got.arrived[1]! - got.arrived[0]!).toBeGreaterThanOrEqual(1500);
  }, 90_000);

  it("a command whose output no reader knows records no reader", async () => {
    const got = await (async () => {
      const p = await s.createProject(owner, { repository_url: repo, test_command: "echo hello" });
      const c = await s.connect({ auth: { token: owner.token } });
      await c.emitWithAck("subscribe", { project_id: p.id });
      const done = nextEvent(c, "test_completed");
      await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: owner.token, body: {} });
      return (await done).data;
    })();
    expect(got).toMatchObject({ status: "passed", total: 0, reader: null });
  });
});
