// Issue #10, attack 1: any signed-up user ran shell commands as the server. A project whose test_command was
// `cat ../../auth_secret; tr '\0' '\n' </proc/$PPID/environ` printed the signing secret and OPENAI_API_KEY into
// the run's log; the same run reached the server's port, PostgreSQL and Redis on loopback, other projects'
// workspaces and the embedded database.
//
// Each check runs from INSIDE a real run of a real server: a probe script in the project's repository reports
// what it could read and reach as one JSON line, read back from the run's log. The same probe against a server
// with TEST_RUN_SANDBOX=off (the old behaviour, now an explicit opt-out) sees everything, so the probe itself is
// shown to detect what it looks for.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { nextEvent, record, ROOT, startServer, type TestServer, type TestUser } from "../support/server";
import { makeRepo } from "../support/repos";

const OPENAI_CANARY = `canary-openai-${randomBytes(8).toString("hex")}`;

// What the probe does inside a run. Arguments: a JSON object of paths, ports and canaries to look for.
// It prints booleans and error codes only (the run's log is masked, so leaked values are looked for inside).
const PROBE = String.raw`
const fs = require("node:fs");
const net = require("node:net");
const a = JSON.parse(process.argv[2]);
const read = (p) => { try { return fs.readFileSync(p, "utf8"); } catch (e) { return null; } };
const canaries = a.canaries;
const leaks = (text) => text != null && canaries.some((c) => text.includes(c));
const out = { uid: process.getuid(), pid: process.pid };
out.secretFile = read(a.dataDir + "/auth_secret") != null || read("../../auth_secret") != null;
out.dataDirListed = (() => { try { return fs.readdirSync(a.dataDir).length >= 0; } catch { return false; } })();
out.database = fs.existsSync(a.dataDir + "/pglite") || fs.existsSync("../../pglite");
out.otherWorkspace = read(a.otherWorkspace + "/marker.txt") != null || read("../" + a.otherId + "/marker.txt") != null;
out.serverRepo = read(a.root + "/package.json") != null || read(a.root + "/server.ts") != null;
out.shadow = read("/etc/shadow") != null;
const environs = [];
for (const d of (() => { try { return fs.readdirSync("/proc"); } catch { return []; } })()) if (/^\d+$/.test(d)) environs.push(read("/proc/" + d + "/environ"));
out.serverPidVisible = fs.existsSync("/proc/" + a.serverPid + "/cmdline") && (read("/proc/" + a.serverPid + "/cmdline") || "").includes("server.ts");
out.environLeak = environs.some(leaks) || leaks(read("/proc/" + process.ppid + "/environ")) || leaks(read("/proc/" + a.serverPid + "/environ"));
out.envKeys = Object.keys(process.env).sort();
out.envLeak = leaks(JSON.stringify(process.env));
out.wroteWorkspace = (() => { try { fs.writeFileSync("written-by-run.txt", "x"); return true; } catch { return false; } })();
out.wroteGit = (() => { try { fs.writeFileSync(".git/hooks/post-checkout", "#!/bin/sh\nid > /tmp/pwned\n", { mode: 0o755 }); return true; } catch { return false; } })();
out.tmpWritable = (() => { try { fs.writeFileSync("/tmp/written-by-run", "x"); fs.writeFileSync(process.env.HOME + "/written-by-run", "x"); return true; } catch { return false; } })();
const connect = (port) => new Promise((resolve) => {
  const s = net.connect({ host: "127.0.0.1", port });
  const t = setTimeout(() => { s.destroy(); resolve("timeout"); }, 2000);
  s.once("connect", () => { clearTimeout(t); s.destroy(); resolve("connected"); });
  s.once("error", (e) => { clearTimeout(t); resolve(e.code); });
});
(async () => {
  out.tcp = {};
  for (const p of a.ports) out.tcp[p] = await connect(p);
  console.log("PROBE " + JSON.stringify(out));
})();
`;


/** Start a run of the project's command and wait for its end; returns the run and its full log. */
async function run(s: TestServer, user: TestUser, projectId: string, timeoutMs = 60_000) {
  const c = await s.connect({ auth: { token: user.token } });
  expect(await c.emitWithAck("subscribe", { project_id: projectId })).toMatchObject({ status: "success" });
  const seen = record(c);
  const started = await s.request("POST", `/api/v1/projects/${projectId}/test-runs`, { token: user.token, body: {} });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const id = started.body.test_run_id as string;
  await nextEvent(c, "test_completed", (e: any) => e.data.test_run_id === id, timeoutMs);
  const detail = (await s.request("GET", `/api/v1/test-runs/${id}`, { token: user.token })).body;
  const log = (await s.request("GET", `/api/v1/test-runs/${id}/log`, { token: user.token })).body as string;
  const job = await s.connect({ auth: { token: user.token } });
  const replayed = record(job);
  await job.emitWithAck("subscribe", { room: `job:${started.body.job_id}`, since: "0" });
  c.disconnect();
  job.disconnect();
  return { id, detail, log: typeof log === "string" ? log : JSON.stringify(log), events: seen, jobEvents: replayed.map((e) => e.payload) };
}

/** Two projects: the attacker's (the probe) and a victim's whose workspace holds a canary. */
async function setupProbe(s: TestServer, attacker: TestUser, victim: TestUser, listener: Server, extraPorts: number[]) {
  const otherCanary = `canary-workspace-${randomBytes(8).toString("hex")}`;
  const victimRepo = makeRepo(path.join(s.dataDir, "repos", `victim-${randomBytes(3).toString("hex")}`), { "marker.txt": otherCanary });
  const other = await s.createProject(victim, { repository_url: victimRepo });
  expect((await s.request("GET", `/api/v1/projects/${other.id}/files`, { token: victim.token })).status).toBe(200); // its workspace exists
  const secretFile = readFileSync(path.join(s.dataDir, "auth_secret"), "utf8").trim();
  const args = {
    dataDir: s.dataDir,
    otherWorkspace: path.join(s.dataDir, "workspaces", other.id),
    otherId: other.id,
    root: ROOT,
    serverPid: s.proc.pid,
    ports: [Number(new URL(s.url).port), (listener.address() as { port: number }).port, ...extraPorts],
    canaries: [secretFile, OPENAI_CANARY, otherCanary],
  };
  const probeRepo = makeRepo(path.join(s.dataDir, "repos", `probe-${randomBytes(3).toString("hex")}`), { "probe.js": PROBE });
  const argJson = JSON.stringify(args).replace(/'/g, "'\\''");
  const p = await s.createProject(attacker, { repository_url: probeRepo, test_command: `node probe.js '${argJson}'; cat ../../auth_secret; tr '\\0' '\\n' </proc/$PPID/environ` });
  const r = await run(s, attacker, p.id);
  const line = r.log.split("\n").find((l) => l.startsWith("PROBE "));
  expect(line, `no PROBE line in the log:\n${r.log.slice(0, 3000)}`).toBeTruthy();
  return { probe: JSON.parse(line!.slice(6)), run: r, secretFile, otherCanary, project: p };
}

let listener: Server;
beforeAll(async () => {
  // A loopback service the host can reach (so "unreachable" from a run means the sandbox, not the port).
  listener = createServer((c) => {
    c.on("error", () => {});
    c.end("hello\n");
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", () => r()));
});
afterAll(() => new Promise<void>((r) => listener.close(() => r())));

describe("attack 1: a test command runs in the sandbox", () => {
  let s: TestServer;
  let attacker: TestUser;
  let victim: TestUser;

  beforeAll(async () => {
    // AUTH_SECRET unset: the server keeps it in DATA_DIR/auth_secret, as `npm start` does by default.
    s = await startServer({
      env: {
        AUTH_SECRET: "",
        OPENAI_API_KEY: OPENAI_CANARY,
        TEST_RUN_TIMEOUT_MS: "20000",
        TEST_RUN_MAX_PROCESSES: "128",
        TEST_RUN_LOG_MAX_BYTES: "65536",
        TEST_RUN_MAX_FILE_BYTES: "1048576",
      },
    });
    victim = await s.createUser("Victim");
    attacker = await s.createUser("Attacker");
  });
  afterAll(async () => {
    await s?.stop();
  });
  afterEach(() => s.closeSockets());

  it("the secret, DATA_DIR, the server's environment and process, other workspaces, the repository and loopback are out of reach", async () => {
    const { probe, run: r, secretFile } = await setupProbe(s, attacker, victim, listener, [5432, 6379]);
    expect(probe).toMatchObject({
      secretFile: false,
      dataDirListed: false,
      database: false,
      otherWorkspace: false,
      serverRepo: false,
      shadow: false,
      serverPidVisible: false,
      environLeak: false,
      envLeak: false,
      wroteWorkspace: true,
      wroteGit: false, // .git is read-only: a hook written by a run would run as the server
      tmpWritable: true,
    });
    expect(probe.uid).not.toBe(0);
    expect(probe.pid).toBeLessThan(20); // its own PID namespace
    for (const k of ["AUTH_SECRET", "OPENAI_API_KEY", "DATABASE_URL", "REDIS_URL", "NEXTAUTH_SECRET"]) expect(probe.envKeys).not.toContain(k);
    expect(probe.envKeys).toEqual(["CI", "FORCE_COLOR", "HOME", "LANG", "NODE_ENV", "NO_COLOR", "PATH", "PWD", "TERM", "TMPDIR"]);
    // loopback: the server's own port, a service of the host, PostgreSQL and Redis
    for (const [port, result] of Object.entries(probe.tcp)) expect(result, `port ${port}`).not.toBe("connected");
    // the raw attack of the issue printed nothing of them either
    expect(r.log).not.toContain(secretFile);
    expect(r.log).not.toContain(OPENAI_CANARY);
    // the file the run wrote is there for the server (and not a hook)
    const ws = path.join(s.dataDir, "workspaces", r.detail.project_id);
    expect(readFileSync(path.join(ws, "written-by-run.txt"), "utf8")).toBe("x");
    expect(() => readFileSync(path.join(ws, ".git/hooks/post-checkout"))).toThrow();
  }, 120_000);

  it("what the host offers on loopback is reachable from outside (the check above is meaningful)", async () => {
    const port = (listener.address() as { port: number }).port;
    const { connect } = await import("node:net");
    await new Promise<void>((resolve, reject) => connect({ host: "127.0.0.1", port }).once("connect", function (this: { destroy(): void }) {
      this.destroy();
      resolve();
    }).once("error", reject));
  });

  it("a fork bomb is bounded and leaves nothing behind; the server stays responsive", async () => {
    const p = await s.createProject(attacker, { test_command: "b(){ b|b& }; b; sleep 30" });
    const t0 = Date.now();
    const pending = run(s, attacker, p.id, 60_000);
    await new Promise((r) => setTimeout(r, 3000));
    const health = await s.request("GET", "/api/health");
    expect(health.status).toBe(200);
    const r = await pending;
    expect(["timed_out", "error", "failed"]).toContain(r.detail.status);
    expect(Date.now() - t0).toBeLessThan(45_000);
    // the next run of the same uid starts processes normally: nothing of the bomb is left
    const next = await s.createProject(attacker, { test_command: "echo 'TAP version 13'; echo '1..1'; echo 'ok 1 - after the bomb'" });
    const after = await run(s, attacker, next.id);
    expect(after.detail).toMatchObject({ status: "passed", passed: 1 });
  }, 120_000);

  it("output is capped (TEST_RUN_LOG_MAX_BYTES) and endless output stops the run; files are capped (TEST_RUN_MAX_FILE_BYTES)", async () => {
    const flood = await s.createProject(attacker, { test_command: "yes 'a line of output that never ends'" });
    const r = await run(s, attacker, flood.id);
    expect(r.detail.status).toBe("error");
    expect(r.detail.error).toContain("TEST_RUN_LOG_MAX_BYTES");
    expect(Buffer.byteLength(r.log)).toBeLessThanOrEqual(65536 + 200);
    expect(r.log).toContain("the log stops here");

    const big = await s.createProject(attacker, { test_command: "head -c 50000000 /dev/zero > big; echo size=$(wc -c < big)" });
    const b = await run(s, attacker, big.id);
    const size = Number(/size=(\d+)/.exec(b.log)?.[1]);
    expect(size).toBeLessThanOrEqual(1048576);
  }, 120_000);

  it("output lines are masked once before they are stored: the log file and job_log events", async () => {
    const j = (...x: string[]) => x.join("");
    const token = j("ghp_", "S4ndb0xT0k3nS4ndb0xT0k3nS4ndb0xT0k3n1");
    // the command holds the token in two pieces; the output holds it whole
    const p = await s.createProject(attacker, { test_command: `printf '%s%s\\n' 'ghp_' '${token.slice(4)}'` });
    const r = await run(s, attacker, p.id);
    expect(r.log).not.toContain(token);
    expect(r.log).toContain("ghp_****");
    const lines = r.jobEvents.filter((e) => e.type === "job_log").flatMap((e) => e.data.lines as string[]);
    expect(lines.join("\n")).not.toContain(token);
    expect(lines).toContain("ghp_****");
  }, 60_000);
});

describe("without the sandbox", () => {
  it("TEST_RUN_SANDBOX=off is warned about at boot, and the same probe then reaches everything (the old behaviour)", async () => {
    const s = await startServer({ env: { AUTH_SECRET: "", OPENAI_API_KEY: OPENAI_CANARY, TEST_RUN_SANDBOX: "off" } });
    try {
      expect(s.logs.join("\n")).toMatch(/WARNING: TEST_RUN_SANDBOX=off/);
      const victim = await s.createUser("Victim");
      const attacker = await s.createUser("Attacker");
      const { probe } = await setupProbe(s, attacker, victim, listener, []);
      expect(probe).toMatchObject({ secretFile: true, otherWorkspace: true, environLeak: true });
      expect(Object.values(probe.tcp)).toContain("connected");
    } finally {
      await s.stop();
    }
  }, 120_000);

  it.runIf(process.getuid?.() === 0)("where bubblewrap cannot start, runs are refused with 503 SANDBOX_UNAVAILABLE saying how to fix it", async () => {
    // DATA_DIR below a directory the sandbox uid cannot pass: bwrap cannot reach the workspace.
    const parent = mkdtempSync(path.join(tmpdir(), "switchboard-closed-"));
    chmodSync(parent, 0o700);
    const s = await startServer({ dataDir: path.join(parent, "data") });
    try {
      expect(s.logs.join("\n")).toMatch(/runs will be refused \(503 SANDBOX_UNAVAILABLE\)/);
      const u = await s.createUser();
      const p = await s.createProject(u, { test_command: "echo hi" });
      const r = await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: u.token, body: {} });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe("SANDBOX_UNAVAILABLE");
      expect(r.body.error.message).toMatch(/bubblewrap/);
      expect(r.body.error.message).toMatch(/TEST_RUN_SANDBOX=off/);
      // external runs (CI posting results) do not need the sandbox
      expect((await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: u.token, body: { source: "external" } })).status).toBe(202);
    } finally {
      await s.stop();
      rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);
});
