// Shared pieces of the benchmarks: servers (the production build of server.ts, and bench/bare-server.ts),
// forked load generators, histograms, tables and the JSON results.
import { fork, spawn, execSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import * as hdr from "hdr-histogram-js";
import { startServer, createTestDatabase, type TestServer } from "../../test/support/server";
import type { ClientMsg, ClientReply, Mode, PublishJob, PublishReport } from "./protocol";

export const BENCH_DIR = path.resolve(__dirname, "..");
const ROOT = path.resolve(BENCH_DIR, "..");
const HOOK = path.join(BENCH_DIR, "support", "stats-hook.mjs");

export const num = (name: string, def: number) => {
  const v = process.env[name];
  if (v === undefined || v === "") return def;
  const n = Number(v.replace(/_/g, ""));
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number`);
  return n;
};
export const list = (name: string, def: number[]) =>
  process.env[name]
    ? process.env[name]!.split(",").map((s) => Number(s.trim().replace(/_/g, ""))).filter((n) => Number.isFinite(n) && n > 0)
    : def;

const t0 = Date.now();
export function log(msg: string) {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}`);
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const wall = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- servers

export type ServerStats = { wall_ms: number; cpu_ms: number; lag_ms: { p50: number; p99: number; max: number; mean: number }; rss: number; heap_used: number };
export type ServerMem = { gc: boolean; rss: number; heap_used: number; heap_total: number; external: number; array_buffers: number };

/** A server process with the stats hook preloaded (see stats-hook.mjs). */
export class Target {
  private waiters: { prefix: string; resolve: (v: any) => void }[] = [];
  constructor(
    public name: string,
    public mode: Mode,
    public url: string,
    public proc: ChildProcess,
    private stopFn: () => Promise<unknown>,
    public app?: TestServer,
  ) {
    let buf = "";
    proc.stderr!.on("data", (c: Buffer) => {
      buf += c.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        for (const prefix of ["BENCHSTATS ", "BENCHMEM "]) {
          if (!line.startsWith(prefix)) continue;
          const w = this.waiters.findIndex((x) => x.prefix === prefix);
          if (w >= 0) this.waiters.splice(w, 1)[0]!.resolve(JSON.parse(line.slice(prefix.length)));
        }
      }
    });
  }
  private ask<T>(signal: NodeJS.Signals, prefix: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${prefix.trim()} answer`)), 30_000);
      this.waiters.push({ prefix, resolve: (v) => (clearTimeout(timer), resolve(v)) });
      this.proc.kill(signal);
    });
  }
  /** Event-loop delay and CPU since the previous call (then reset), memory now. */
  stats() {
    return this.ask<ServerStats>("SIGUSR2", "BENCHSTATS ");
  }
  /** Memory after a full GC. */
  memAfterGc() {
    return this.ask<ServerMem>("SIGURG", "BENCHMEM ");
  }
  async stop() {
    await this.stopFn();
  }
}

function nodeOptions() {
  return [process.env.NODE_OPTIONS ?? "", "--expose-gc", `--import=${HOOK}`].join(" ").trim();
}

/** Environment of a benchmarked server: the stats hook, and a CPU profile when BENCH_CPU_PROF=1. */
function hookEnv(name: string): Record<string, string> {
  const env: Record<string, string> = { NODE_OPTIONS: nodeOptions() };
  if (process.env.BENCH_CPU_PROF) {
    const dir = path.join(BENCH_DIR, "results", "profiles");
    mkdirSync(dir, { recursive: true });
    env.BENCH_CPU_PROFILE = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
  }
  return env;
}

export const BENCH_ENV = {
  RATE_LIMIT_CONNECTIONS_PER_MINUTE: "100000000",
  RATE_LIMIT_REST_PER_MINUTE: "100000000",
  RATE_LIMIT_AUTH_PER_MINUTE: "100000",
  PUBLISH_MAX_PER_CLIENT: "1000000", // every load generator shares one address
  RATE_LIMIT_COMMANDS_PER_SECOND: "100000000",
};

export type DbChoice = "postgres" | "pglite";
export const dbChoice = (): DbChoice => (process.env.BENCH_DB === "pglite" ? "pglite" : "postgres");

/** A fresh PostgreSQL database (dropped by the returned function), or undefined for PGlite. */
export async function benchDatabase(): Promise<{ url?: string; drop: () => Promise<void> }> {
  if (dbChoice() === "pglite") return { drop: async () => {} };
  return createTestDatabase();
}

/** The production build of server.ts (NODE_ENV=production) through test/support/server.ts's startServer. */
export async function startReal(name: string, opts: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<Target> {
  const app = await startServer({
    databaseUrl: opts.databaseUrl,
    keepDatabase: true,
    env: { ...BENCH_ENV, ...hookEnv(name), ...opts.env },
  });
  return new Target(name, "real", app.url, app.proc, () => app.stop("SIGTERM", 20_000), app);
}

/** bench/bare-server.ts: Socket.IO alone. */
export async function startBare(name = "bare"): Promise<Target> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(BENCH_DIR, "bare-server.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...hookEnv(name), PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(proc);
  proc.once("exit", () => children.delete(proc));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bare server did not start")), 30_000);
    proc.stdout!.on("data", (c: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(c.toString());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once("exit", (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return new Target(name, "bare", url, proc, async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  });
}

// Never leave a load generator or a bare server behind.
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(130));

// ---------------------------------------------------------------- load generators

function forkWorker(file: string): ChildProcess {
  const c = fork(path.join(BENCH_DIR, "support", file), [], { execArgv: ["--import", "tsx"], cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.add(c);
  c.once("exit", () => children.delete(c));
  return c;
}

function request<R extends { t: string }>(c: ChildProcess, msg: unknown, want: string, onOther?: (m: any) => void): Promise<R> {
  return new Promise((resolve, reject) => {
    const on = (m: any) => {
      if (m.t === want) {
        c.off("message", on);
        c.off("exit", onExit);
        resolve(m as R);
      } else onOther?.(m);
    };
    const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code}`));
    c.on("message", on);
    c.once("exit", onExit);
    c.send(msg as never);
  });
}

export type Merged = { received: number; outOfOrder: number; lastReceipt: number; connected: number; hist: hdr.Histogram; cpu: number[]; wallMs: number };

/** Subscribers spread over forked processes (each at most BENCH_SOCKETS_PER_CLIENT, default 5,000). */
export class Clients {
  procs: ChildProcess[] = [];
  counts: number[] = [];

  static async open(total: number, nprocs: number) {
    const c = new Clients();
    const per = num("BENCH_SOCKETS_PER_CLIENT", 5000);
    const n = Math.max(nprocs, Math.ceil(total / per), 1);
    for (let i = 0; i < Math.min(n, Math.max(total, 1)); i++) c.procs.push(forkWorker("clients.ts"));
    return c;
  }

  async connect(total: number, base: Omit<Extract<ClientMsg, { t: "connect" }>, "t" | "offset" | "count">) {
    const n = this.procs.length;
    let offset = 0;
    const progress = new Array<number>(n).fill(0);
    let lastLog = Date.now();
    const started = Date.now();
    const replies = await Promise.all(
      this.procs.map((p, i) => {
        const count = Math.floor(total / n) + (i < total % n ? 1 : 0);
        this.counts[i] = count;
        const msg = { t: "connect", ...base, offset, count };
        offset += count;
        return request<Extract<ClientReply, { t: "connected" }>>(p, msg, "connected", (m) => {
          if (m.t !== "progress") return;
          progress[i] = m.connected;
          if (Date.now() - lastLog > 5000) {
            lastLog = Date.now();
            log(`  connecting ${base.mode}: ${progress.reduce((a, b) => a + b, 0)} / ${total}`);
          }
        });
      }),
    );
    const connected = replies.reduce((a, r) => a + r.connected, 0);
    const errors = [...new Set(replies.flatMap((r) => r.errors))];
    return { connected, failed: total - connected, errors, seconds: (Date.now() - started) / 1000 };
  }

  async reset() {
    await Promise.all(this.procs.map((p) => request(p, { t: "reset" }, "reset")));
  }

  async received() {
    const r = await Promise.all(this.procs.map((p) => request<Extract<ClientReply, { t: "count" }>>(p, { t: "count" }, "count")));
    return { received: r.reduce((a, x) => a + x.received, 0), connected: r.reduce((a, x) => a + x.connected, 0) };
  }

  async report(): Promise<Merged> {
    const r = await Promise.all(this.procs.map((p) => request<Extract<ClientReply, { t: "report" }>>(p, { t: "report" }, "report")));
    const hist = newHist();
    for (const x of r) hist.add(hdr.decodeFromCompressedBase64(x.hist, 32, false));
    return {
      received: r.reduce((a, x) => a + x.received, 0),
      outOfOrder: r.reduce((a, x) => a + x.outOfOrder, 0),
      lastReceipt: Math.max(...r.map((x) => x.lastReceipt)),
      connected: r.reduce((a, x) => a + x.connected, 0),
      hist,
      cpu: r.map((x) => x.cpuMs / x.wallMs),
      wallMs: Math.max(...r.map((x) => x.wallMs)),
    };
  }

  async close() {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null) return resolve();
            const t = setTimeout(() => p.kill("SIGKILL"), 15_000);
            p.once("exit", () => (clearTimeout(t), resolve()));
            p.send({ t: "close" });
          }),
      ),
    );
  }
}

export class Publisher {
  proc = forkWorker("publisher.ts");
  run(job: Omit<PublishJob, "t">): Promise<PublishReport & { histogram: hdr.Histogram; okHistogram: hdr.Histogram; refusedHistogram: hdr.Histogram }> {
    return request<PublishReport>(this.proc, { t: "run", ...job }, "done").then((r) => ({
      ...r,
      histogram: hdr.decodeFromCompressedBase64(r.hist, 32, false),
      okHistogram: hdr.decodeFromCompressedBase64(r.histOk, 32, false),
      refusedHistogram: hdr.decodeFromCompressedBase64(r.histRefused, 32, false),
    }));
  }
  close() {
    this.proc.kill("SIGTERM");
  }
}

// ---------------------------------------------------------------- figures

export const newHist = () => hdr.build({ useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
/** Percentile of a µs histogram, in ms. */
export const pct = (h: hdr.Histogram, p: number) => (h.totalCount ? h.getValueAtPercentile(p) / 1000 : NaN);
export const f = (v: number | undefined | null, d = 1) => (v === undefined || v === null || Number.isNaN(v) ? "—" : v.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));
export const kb = (b: number) => b / 1024;

export function table(headers: string[], rows: (string | number)[][]) {
  const cells = rows.map((r) => r.map(String));
  const w = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => "| " + r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(" | ") + " |";
  console.log(line(headers));
  console.log("|" + w.map((x, i) => (i === 0 ? "-".repeat(x + 2) : "-".repeat(x + 1) + ":")).join("|") + "|");
  for (const r of cells) console.log(line(r));
}

export function verdict(name: string, pass: boolean | null, detail: string) {
  const v = pass === null ? "N/A " : pass ? "PASS" : "FAIL";
  console.log(`  ${v}  ${name}: ${detail}`);
  return { target: name, pass, detail };
}

export function machine() {
  const sh = (c: string) => {
    try {
      return execSync(c, { encoding: "utf8" }).trim();
    } catch {
      return "?";
    }
  };
  return {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "?",
    mem_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    ulimit_n: sh("sh -c 'ulimit -n'"),
    kernel: sh("uname -r"),
    loadavg_at_start: sh("cat /proc/loadavg"),
    db: dbChoice(),
  };
}

export function saveResults(name: string, data: unknown) {
  const dir = path.join(BENCH_DIR, "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2) + "\n");
  log(`results written to ${path.relative(ROOT, file)}`);
}

/** Limit a promise's time (each benchmark finishes in bounded time). */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- machine CPU

type CpuSnap = { at: number; busy: number; total: number; postgres: Map<string, number> };
const TICK_MS = 10; // USER_HZ = 100 on Linux

function postgresTicks(): Map<string, number> {
  const t = new Map<string, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      t.set(pid, Number(f[11]) + Number(f[12])); // utime, stime
    } catch {
      // gone meanwhile
    }
  }
  return t;
}

/** The machine's CPU counters and PostgreSQL's processes' CPU, now (Linux /proc). */
export function cpuSnapshot(): CpuSnap {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { at: performance.now(), busy: total - idle, total, postgres: postgresTicks() };
}

/** Since `a`: how busy the whole machine was (0–1 of all its cores) and PostgreSQL's CPU in % of one core. */
export function cpuSince(a: CpuSnap): { machine_busy: number; postgres_pct: number } {
  const b = cpuSnapshot();
  let pg = 0; // per process: those that ended meanwhile are left out, new ones count whole
  for (const [pid, ticks] of b.postgres) pg += ticks - (a.postgres.get(pid) ?? 0);
  return {
    machine_busy: (b.busy - a.busy) / Math.max(1, b.total - a.total),
    postgres_pct: (pg * TICK_MS * 100) / Math.max(1, b.at - a.at),
  };
}
