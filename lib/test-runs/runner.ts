// Running a project's test command: a shell in the workspace inside the sandbox (sandbox.ts: bubblewrap, its
// own uid, no network, nothing of the server visible), its own process group (so cancel and the time limit
// kill everything it started), output masked line by line, kept on disk up to TEST_RUN_LOG_MAX_BYTES and
// streamed as bounded, batched lines, results read while it runs (its output through the reader of
// the runner that wrote it, JUnit XML files as they are written: see readers/). At most TEST_RUN_CONCURRENCY
// run at once; the rest wait queued.
import { errInfo, logger } from "../logger";
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";
import { getConfig, type AppConfig } from "../config";
import { getPrisma } from "../db";
import { part } from "../runtime";
import { ensureWorkspace } from "../workspaces/service";
import { ensureSessionWorktree } from "../workspaces/sessions";
import { git } from "../workspaces/git";
import { createReporter, type RunOutcome } from "./report";
import { createRunReaders } from "./readers";
import { redactString } from "../redact";
import { handWorkspaceToSandbox, sandboxHelp, sandboxSpawn, sandboxStatus } from "./sandbox";

const MAX_LINE_CHARS = 2000;
const MAX_STREAMED_LINES = 5000;
const LOG_BATCH_MS = 250;
const LOG_BATCH_LINES = 200;
const JUNIT_POLL_MS = 1000;
const KILL_GRACE_MS = 2000;
/** A line longer than this without a newline is cut and handled as a line of its own. */
const MAX_PENDING_LINE = 64 * 1024;
/** A run that writes more than this many times TEST_RUN_LOG_MAX_BYTES is stopped (nothing more is kept anyway). */
const OUTPUT_STOP_FACTOR = 10;

type StopReason = "cancelled" | "timed_out" | "output" | "server_stopped";
type Active = { child: ChildProcess | null; stop: (why: StopReason) => void; done?: Promise<void> };
type RunnerState = { active: Map<string, Active>; queue: string[]; cancelledQueued: Set<string> };
const state = (): RunnerState => part<RunnerState>("runner", () => ({ active: new Map(), queue: [], cancelledQueued: new Set() }));

export const logPath = (runId: string) => path.join(getConfig().dataDir, "runs", `${runId}.log`);

/** Queue a local run; it starts when a slot is free. */
export function scheduleRun(runId: string) {
  state().queue.push(runId);
  pump();
}

function pump() {
  while (state().active.size < getConfig().testRuns.concurrency && state().queue.length) {
    const id = state().queue.shift()!;
    if (state().cancelledQueued.delete(id)) continue;
    const entry: Active = { child: null, stop: () => {} };
    state().active.set(id, entry);
    entry.done = execute(id)
      .catch((e) => logger().error(errInfo(e), "[test-runs] run failed"))
      .finally(() => {
        state().active.delete(id);
        pump();
      });
  }
}

/** Stop a queued or running run of this process; false when it is not ours. */
export function stopLocalRun(runId: string): "queued" | "running" | false {
  const i = state().queue.indexOf(runId);
  if (i >= 0) {
    state().queue.splice(i, 1);
    return "queued";
  }
  const a = state().active.get(runId);
  if (a) {
    a.stop("cancelled");
    return "running";
  }
  return false;
}

/** Environment for the test command: nothing of the server's secrets or configuration. */
function scrubbedEnv(home: string): NodeJS.ProcessEnv {
  const keep = ["PATH", "LANG", "LC_ALL", "TZ", "TMPDIR"];
  const env: Record<string, string> = { HOME: home, CI: "true", TERM: "dumb", NO_COLOR: "1", FORCE_COLOR: "0", NODE_ENV: "test" };
  for (const k of keep) if (process.env[k]) env[k] = process.env[k]!;
  return env as unknown as NodeJS.ProcessEnv;
}

type Reporter = ReturnType<typeof createReporter>;
type Exit = { code: number | null; signal: NodeJS.Signals | null; spawnError?: Error };

/** A run from the queue to its outcome: prepare, start the command, supervise it, collect output and results, judge. */
async function execute(runId: string) {
  const prisma = getPrisma();
  const run = await prisma.testRun.findUnique({ where: { id: runId }, include: { project: true } });
  if (!run || (run.status !== "queued" && run.status !== "cancelling")) return;
  const cfg = getConfig();
  const reporter = createReporter(run, { seq: 0, total: null });
  const command = run.command ?? run.project.testCommand;
  const t0 = Date.now();
  const finish = async (outcome: RunOutcome, exitCode: number | null, error?: string) =>
    reporter.completed(outcome, { durationMs: Date.now() - t0, exitCode, error });

  if (run.status === "cancelling") return finish("cancelled", null, "Cancelled before it started");
  if (!command) return finish("error", null, "The project has no test command");
  let dir: string;
  try {
    // A session's run: in its worktree, on its branch; otherwise the project's workspace (its default branch).
    const session = run.sessionId ? await prisma.session.findUnique({ where: { id: run.sessionId } }) : null;
    dir = session ? (await ensureSessionWorktree(session)).dir : await ensureWorkspace(run.projectId);
  } catch (e) {
    return finish("error", null, `The workspace could not be prepared: ${(e as Error).message}`);
  }
  const branch = (await git(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"])).stdout.trim().slice(0, 250) || null;
  const commit = (await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"])).stdout.trim() || null;
  await prisma.testRun.update({ where: { id: runId }, data: { status: "running", startedAt: new Date(t0), branch, commit } });
  await reporter.started({ command, started_by: run.startedBy, source: run.source, branch, commit, session_id: run.sessionId });

  mkdirSync(path.dirname(logPath(runId)), { recursive: true, mode: 0o700 });
  const log = createWriteStream(logPath(runId), { mode: 0o600 });
  const started = await startCommand(cfg, dir, command);
  if (typeof started === "string") {
    log.end();
    return finish("error", null, started);
  }
  const { child, exited } = started;
  const control = superviseChild(runId, child, cfg.testRuns.timeoutMs);
  // Results: the output through the reader of the runner that wrote it, JUnit files as they are written.
  const readers = createRunReaders({
    dir,
    since: t0,
    onResult: (r) => void reporter.result(r),
    onPlan: (n) => reporter.plan(n),
    onReader: (label) => void reporter.reader(label),
  });
  const stopPolling = pollWhileRunning(runId, readers, control.stop);
  const output = createOutputPipe(runId, reporter, log, cfg.testRuns.logMaxBytes, control.stop);
  child.stdout!.on("data", (buf: Buffer) => {
    output.write("info", buf);
    readers.output("stdout", buf);
  });
  child.stderr!.on("data", (buf: Buffer) => {
    output.write("error", buf);
    readers.output("stderr", buf);
  });

  const exit = await exited;
  control.end(); // the time limit off, anything the command left behind in its group killed
  stopPolling();
  output.end();
  await readers.end();
  await new Promise<void>((r) => log.end(() => r()));
  await reporter.flush();
  const [outcome, exitCode, error] = judge(exit, control.reason(), reporter.counts, cfg.testRuns);
  return finish(outcome, exitCode, error);
}

/**
 * Spawn the command in the sandbox (or, with TEST_RUN_SANDBOX=off, as the server's user); a string says why it
 * could not start. Its exit is listened for at once (a spawn error is emitted on the next tick).
 */
async function startCommand(cfg: AppConfig, dir: string, command: string): Promise<{ child: ChildProcess; exited: Promise<Exit> } | string> {
  if (cfg.testRuns.sandbox === "on") {
    const sb = await sandboxStatus(cfg);
    if (!sb.ok) return sandboxHelp(sb.reason);
    try {
      await handWorkspaceToSandbox(cfg.testRuns, dir);
    } catch (e) {
      return `The workspace could not be handed to the sandbox: ${(e as Error).message}`;
    }
    const sp = sandboxSpawn(cfg.testRuns, dir, command);
    return started(spawn(/*turbopackIgnore: true*/ sp.file, sp.args, { cwd: "/", env: sp.env, detached: true, stdio: ["ignore", "pipe", "pipe"] }));
  }
  // TEST_RUN_SANDBOX=off (warned at boot): the command runs as the server's user, on the server's files.
  const home = path.join(cfg.dataDir, "runs", "home");
  mkdirSync(home, { recursive: true });
  return started(spawn("/bin/sh", ["-c", command], { cwd: dir, env: scrubbedEnv(home), detached: true, stdio: ["ignore", "pipe", "pipe"] }));
}

const started = (child: ChildProcess) => ({ child, exited: waitForExit(child) });

/** Stopping the command's process group (cancel, time limit, too much output): SIGTERM, then SIGKILL after a grace. */
function superviseChild(runId: string, child: ChildProcess, timeoutMs: number) {
  let stopReason: StopReason | null = null;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const stop = (why: StopReason) => {
    if (stopReason && why !== "server_stopped") return;
    stopReason = why;
    // The server is going away: no grace (its timer would not outlive the process).
    if (why === "server_stopped") return killGroup("SIGKILL");
    killGroup("SIGTERM");
    setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS).unref();
  };
  const entry = state().active.get(runId);
  if (entry) Object.assign(entry, { child, stop });
  else state().active.set(runId, { child, stop });
  const timer = setTimeout(() => stop("timed_out"), timeoutMs);
  return {
    stop,
    reason: (): StopReason | null => stopReason,
    end() {
      clearTimeout(timer);
      killGroup("SIGKILL");
    },
  };
}

/** Once a second while the command runs: new JUnit results, and a cancel requested through another process. */
function pollWhileRunning(runId: string, readers: ReturnType<typeof createRunReaders>, stop: (why: StopReason) => void) {
  const poll = setInterval(() => {
    void readers.poll();
    void getPrisma()
      .testRun.findUnique({ where: { id: runId }, select: { status: true } })
      .then((r) => (!r || r.status === "cancelling") && stop("cancelled")) // cancelled, or its project deleted
      .catch(() => {});
  }, JUNIT_POLL_MS);
  return () => clearInterval(poll);
}

/**
 * Output: masked line by line (once: the job_log events reuse the masked lines), to disk up to
 * TEST_RUN_LOG_MAX_BYTES, and as bounded lines to the job room in batches. One queue for both streams, so
 * stdout and stderr lines keep their order in the live log.
 */
function createOutputPipe(runId: string, reporter: Reporter, log: WriteStream, logMax: number, stop: (why: StopReason) => void) {
  let logBytes = 0;
  let logFull = false;
  let outputBytes = 0;
  let streamed = 0;
  let truncatedNotice = false;
  let pending: { level: "info" | "error"; line: string }[] = [];
  const partial: Record<"info" | "error", string> = { info: "", error: "" };
  const flush = () => {
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; ) {
      const level = batch[i]!.level;
      const lines: string[] = [];
      while (i < batch.length && batch[i]!.level === level && lines.length < LOG_BATCH_LINES) lines.push(batch[i++]!.line);
      void reporter.log(level, lines, { masked: true });
    }
  };
  const logTimer = setInterval(flush, LOG_BATCH_MS);
  const keep = (level: "info" | "error", raw: string) => {
    const wantLog = !logFull;
    const wantStream = streamed < MAX_STREAMED_LINES;
    if (!wantLog && !wantStream) return;
    const line = redactString(raw);
    if (wantLog) {
      const bytes = Buffer.byteLength(line) + 1;
      if (logBytes + bytes > logMax) {
        logFull = true;
        log.write(`… the log stops here: it reached TEST_RUN_LOG_MAX_BYTES (${logMax} bytes)\n`);
      } else {
        logBytes += bytes;
        log.write(line + "\n");
      }
    }
    if (wantStream) {
      streamed++;
      pending.push({ level, line: line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) + " …" : line });
    } else if (!truncatedNotice) {
      truncatedNotice = true;
      pending.push({ level: "info", line: `… output truncated after ${MAX_STREAMED_LINES} lines; the log is at /api/v1/test-runs/${runId}/log` });
    }
  };
  return {
    write(level: "info" | "error", buf: Buffer) {
      outputBytes += buf.length;
      if (outputBytes > logMax * OUTPUT_STOP_FACTOR) stop("output");
      const text = partial[level] + buf.toString("utf8");
      const lines = text.split("\n");
      partial[level] = lines.pop() ?? "";
      while (partial[level].length > MAX_PENDING_LINE) {
        lines.push(partial[level].slice(0, MAX_PENDING_LINE));
        partial[level] = partial[level].slice(MAX_PENDING_LINE);
      }
      for (const line of lines) keep(level, line);
      if (pending.length >= LOG_BATCH_LINES) flush();
    },
    /** The command has exited: its unterminated last lines, then the last batch. */
    end() {
      clearInterval(logTimer);
      for (const level of ["info", "error"] as const) if (partial[level]) keep(level, partial[level]);
      flush();
    },
  };
}

function waitForExit(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once("error", (e) => resolve({ code: null, signal: null, spawnError: e }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
}

/** The run's outcome from how the command ended, why it was stopped and the results it reported. */
function judge(exit: Exit, stopReason: StopReason | null, counts: Reporter["counts"], cfg: AppConfig["testRuns"]): [RunOutcome, number | null, string?] {
  const any = counts.passed + counts.failed + counts.skipped;
  if (exit.spawnError) return ["error", null, `The command could not start: ${exit.spawnError.message}`];
  if (stopReason === "cancelled") return ["cancelled", exit.code, "Cancelled"];
  if (stopReason === "output")
    return ["error", exit.code, `Stopped: the command wrote more than ${OUTPUT_STOP_FACTOR} × TEST_RUN_LOG_MAX_BYTES (${cfg.logMaxBytes * OUTPUT_STOP_FACTOR} bytes) of output`];
  if (stopReason === "timed_out") return ["timed_out", exit.code, `Stopped after the time limit of ${Math.round(cfg.timeoutMs / 1000)} s`];
  // The same words as the start-up sweep's (service.ts): the run ended because the server did, not the tests.
  if (stopReason === "server_stopped") return ["error", exit.code, "The server stopped while this run was in progress"];
  if (counts.failed > 0) return ["failed", exit.code];
  if (exit.code === 0) return ["passed", 0];
  if (any > 0) return ["failed", exit.code, `The command exited with ${exit.code ?? exit.signal}`];
  return ["error", exit.code, `The command exited with ${exit.code ?? exit.signal} before reporting any test`];
}

/** Stop a run of this process and wait (at most `maxMs`) until it has ended. */
export async function stopLocalRunAndWait(runId: string, maxMs = 10_000): Promise<void> {
  const a = state().active.get(runId);
  if (stopLocalRun(runId) !== "running" || !a?.done) return;
  await Promise.race([a.done, new Promise((r) => setTimeout(r, maxMs).unref())]);
}

/** On shutdown: kill every running command's process group (the next start marks the runs `error`). */
export function killAllRuns() {
  state().queue.length = 0;
  for (const a of state().active.values()) {
    try {
      // Judged "error: the server stopped" if its end is still recorded before the database closes.
      a.stop("server_stopped");
      if (a.child?.pid) process.kill(-a.child.pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}
