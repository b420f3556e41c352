// The runnable examples (examples/*.ts), each a real child process (`tsx examples/x.ts`, as docs/INTEGRATING.md
// says) against a real server: the agent survives a server restart midway (stopped and started again on the same
// port and database) with every event published exactly once, in order; the CI reporter posts results as they
// arrive on its stdin; the watcher prints a project's events as they happen.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, ROOT, startServer, testsUsePostgres, type TestServer, type TestUser } from "../support/server";
import { projectEvents, until } from "../delivery/helpers";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const children = new Set<ChildProcess>();

type Example = { proc: ChildProcess; out: string[]; err: string[]; exited: Promise<number | null> };
function runExample(file: string, env: Record<string, string>): Example {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  const proc = spawn(TSX, [path.join("examples", file)], { cwd: ROOT, env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  children.add(proc);
  const ex: Example = { proc, out: [], err: [], exited: new Promise((r) => proc.once("exit", (code) => (children.delete(proc), r(code)))) };
  const lines = (into: string[]) => {
    let rest = "";
    return (c: Buffer) => {
      const parts = (rest + c.toString()).split("\n");
      rest = parts.pop()!;
      into.push(...parts);
    };
  };
  proc.stdout!.on("data", lines(ex.out));
  proc.stderr!.on("data", lines(ex.err));
  return ex;
}
const dump = (ex: Example) => `stdout:\n${ex.out.join("\n")}\nstderr:\n${ex.err.join("\n")}`;

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

async function personalToken(s: TestServer, user: TestUser) {
  const t = await s.request("POST", "/api/v1/tokens", { token: user.token, body: { name: "examples", kind: "personal" } });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  return t.body.token as string;
}

describe("examples/agent.ts", () => {
  it("comes online, streams a workflow and survives a server restart midway: every event once, in order", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "switchboard-example-agent-"));
    const db = testsUsePostgres() ? await createTestDatabase() : null;
    const env = { AUTH_SECRET: "examples-" + randomBytes(16).toString("hex") };
    let s: TestServer | null = await startServer({ dataDir, env, databaseUrl: db?.url });
    try {
      const owner = await s.createUser("Agent owner");
      const p = await s.createProject(owner);
      // An agent token as the Tokens page makes one: kind "agent", scoped to the project (the agent is registered with it).
      const t = await s.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "Example agent", kind: "agent", project_ids: [p.id] } });
      expect(t.status, JSON.stringify(t.body)).toBe(201);
      const steps = 8;
      const agent = runExample("agent.ts", {
        SWITCHBOARD_URL: s.url,
        SWITCHBOARD_TOKEN: t.body.token,
        PROJECT_ID: p.id,
        AGENT_STEPS: String(steps),
        AGENT_STEP_MS: "300",
        WORKFLOW_NAME: "Restart-proof run",
      });
      await until("step 2 reported", () => agent.out.some((l) => l.includes(`step 2/${steps} reported`)), 60_000).catch((e) => {
        throw new Error(`${e.message}\n${dump(agent)}`);
      });
      // The server goes away mid-run and comes back on the same port and database.
      const port = new URL(s.url).port;
      expect(await s.stop()).toBe(0);
      s = null;
      s = await startServer({ dataDir, env: { ...env, PORT: port }, databaseUrl: db?.url });
      expect(new URL(s.url).port).toBe(port);
      const code = await Promise.race([agent.exited, new Promise((r) => setTimeout(() => r("timeout"), 120_000))]);
      expect(code, dump(agent)).toBe(0);
      // The connection went while steps were still to come (the restart was midway, not after the end).
      const dropped = agent.out.findIndex((l) => /connection (reconnecting|offline)/.test(l));
      expect(dropped, dump(agent)).toBeGreaterThan(-1);
      expect(dropped, dump(agent)).toBeLessThan(agent.out.findIndex((l) => l.includes(`step ${steps}/${steps} reported`)));
      expect(agent.out.join("\n")).not.toContain(t.body.token);
      expect(agent.err.join("\n")).not.toContain(t.body.token);

      const events = await projectEvents(s, owner, p.id);
      const wfId = events.find((e) => e.type === "workflow.started")!.data.workflow_id;
      const of = (type: string) => events.filter((e) => e.type === type && e.data.workflow_id === wfId);
      expect(events.filter((e) => e.type === "workflow.started")).toHaveLength(1);
      expect(of("agent:thought").map((e) => e.data.content)).toEqual(Array.from({ length: steps }, (_, i) => `Step ${i + 1} of ${steps}: deciding what to check next`));
      expect(of("agent:tool_call").map((e) => e.data.arguments.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
      expect(of("workflow.progress").map((e) => e.data.current_step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
      expect(of("agent:result")).toHaveLength(1);
      expect(of("workflow.completed")).toHaveLength(1);
      // In the order the agent did them: thought, tool call, progress per step, then the result and completion.
      const seq = events.filter((e) => e.data.workflow_id === wfId && e.type !== "workflow.agent_status").map((e) => e.type);
      expect(seq).toEqual([
        "workflow.started",
        ...Array.from({ length: steps }, () => ["agent:thought", "agent:tool_call", "workflow.progress"]).flat(),
        "agent:result",
        "workflow.completed",
      ]);
      const wf = await s.request("GET", `/api/v1/workflows/${wfId}`, { token: owner.token });
      expect(wf.body).toMatchObject({ status: "completed", progress: 100, current_step: steps, name: "Restart-proof run" });
    } finally {
      await s?.stop();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe("examples/ci-reporter.ts and examples/watch.ts", () => {
  let s: TestServer;
  let owner: TestUser;
  let p: { id: string };
  let token: string;
  beforeAll(async () => {
    s = await startServer();
    owner = await s.createUser("CI owner");
    p = await s.createProject(owner);
    token = await personalToken(s, owner);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("ci-reporter posts each TAP result as it arrives, then completes the run", async () => {
    const ci = runExample("ci-reporter.ts", { SWITCHBOARD_URL: s.url, SWITCHBOARD_TOKEN: token, PROJECT_ID: p.id, RUN_NAME: "nightly", FLUSH_MS: "100" });
    ci.proc.stdin!.write("TAP version 13\n# Subtest: adds\nok 1 - adds\n  ---\n  duration_ms: 12.5\n  ...\n");
    let runId = "";
    await until("the run started", () => !!(runId = /test run ([0-9a-f-]{36})/.exec(ci.err.join("\n"))?.[1] ?? ""), 60_000).catch((e) => {
      throw new Error(`${e.message}\n${dump(ci)}`);
    });
    // The first result is on the server while the run is still going.
    await until("first result posted", async () => (await s.request("GET", `/api/v1/test-runs/${runId}`, { token: owner.token })).body.results?.length === 1);
    const mid = await s.request("GET", `/api/v1/test-runs/${runId}`, { token: owner.token });
    expect(mid.body).toMatchObject({ source: "external", status: "running" });
    expect(mid.body.results[0]).toMatchObject({ name: "adds", status: "passed", duration_ms: 13 });
    ci.proc.stdin!.end("not ok 2 - divides\n  ---\n  duration_ms: 3\n  error: 'expected 2 to be 3'\n  ...\nok 3 - later # SKIP not yet\n1..3\n");
    expect(await ci.exited, dump(ci)).toBe(0);
    const run = await s.request("GET", `/api/v1/test-runs/${runId}`, { token: owner.token });
    expect(run.body).toMatchObject({ status: "failed", name: "nightly" });
    expect(run.body.results.map((r: any) => [r.name, r.status])).toEqual([
      ["adds", "passed"],
      ["divides", "failed"],
      ["later", "skipped"],
    ]);
    expect(run.body.results[1].error).toContain("expected 2 to be 3");
    expect(ci.out).toContain("ok 1 - adds"); // the input passes through
  }, 120_000);

  it("the agent stops when its workflow is cancelled (Cancel on the workflow page)", async () => {
    const t = await s.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "Cancellable agent", kind: "agent", project_ids: [p.id] } });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const agent = runExample("agent.ts", { SWITCHBOARD_URL: s.url, SWITCHBOARD_TOKEN: t.body.token, PROJECT_ID: p.id, AGENT_STEPS: "50", AGENT_STEP_MS: "300", WORKFLOW_NAME: "to cancel" });
    let wfId = "";
    await until("step 1 reported", () => !!(wfId = agent.out.some((l) => l.includes("step 1/50 reported")) ? (/workflow ([0-9a-f-]{36}) started/.exec(agent.out.join("\n"))?.[1] ?? "") : ""), 60_000).catch((e) => {
      throw new Error(`${e.message}\n${dump(agent)}`);
    });
    const c = await s.request("POST", `/api/v1/workflows/${wfId}/cancel`, { token: owner.token, body: { reason: "not needed" } });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    const code = await Promise.race([agent.exited, new Promise((r) => setTimeout(() => r("timeout"), 30_000))]);
    expect(code, dump(agent)).toBe(0);
    expect(agent.out.some((l) => l.includes(`workflow ${wfId} was cancelled`)), dump(agent)).toBe(true);
    expect(agent.out.filter((l) => l.includes("reported")).length).toBeLessThan(50);
    const wf = await s.request("GET", `/api/v1/workflows/${wfId}`, { token: owner.token });
    expect(wf.body.status).toBe("cancelled");
    const events = (await projectEvents(s, owner, p.id)).filter((e) => e.data.workflow_id === wfId);
    expect(events.filter((e) => e.type === "workflow.completed" || e.type === "agent:result")).toEqual([]);
  }, 120_000);

  it("watch prints the project's events as they happen (and replays from SINCE)", async () => {
    await s.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { name: "before watching" } });
    const w = runExample("watch.ts", { SWITCHBOARD_URL: s.url, SWITCHBOARD_TOKEN: token, PROJECT_ID: p.id, SINCE: "0" });
    try {
      await until("watching", () => w.err.some((l) => l.includes(`watching project:${p.id}`)), 60_000).catch((e) => {
        throw new Error(`${e.message}\n${dump(w)}`);
      });
      expect(w.out.some((l) => / project\.updated before watching: name/.test(l)), dump(w)).toBe(true);
      await s.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { name: "while watching" } });
      const wf = await s.request("POST", `/api/v1/projects/${p.id}/workflows`, { token: owner.token, body: { name: "watched flow" } });
      await s.request("POST", `/api/v1/workflows/${wf.body.id}/progress`, { token: owner.token, body: { progress: 40, current_step: 1 } });
      await until("live lines", () => w.out.some((l) => / workflow\.progress 40%/.test(l)), 20_000).catch((e) => {
        throw new Error(`${e.message}\n${dump(w)}`);
      });
      // The project's history (SINCE=0) also holds what the tests before did: this test's lines are the last four.
      const all = w.out.filter((l) => l.startsWith("#") && !/^#\d+ \S+ agent\.(connected|disconnected|status_changed) /.test(l)); // a late presence change of the agent before
      const lines = all.slice(all.findIndex((l) => l.includes("before watching")));
      expect(lines.map((l) => l.split(" ")[2])).toEqual(["project.updated", "project.updated", "workflow.started", "workflow.progress"]);
      expect(lines[1]).toContain("while watching");
      expect(lines[2]).toContain("watched flow (running)");
      expect([...w.out, ...w.err].join("\n")).not.toContain(token);
    } finally {
      w.proc.kill("SIGTERM");
      await w.exited;
    }
  }, 120_000);
});
