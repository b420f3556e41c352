// Start a real Switchboard process (production build) on a random port with a fresh database:
// embedded PGlite in a temp DATA_DIR, or, with TEST_DB=postgres, a new PostgreSQL database.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { buildServer, serverBuildIsStale } from "../../scripts/build-if-stale";
import { io, type Socket, type ManagerOptions, type SocketOptions } from "socket.io-client";

export const ROOT = path.resolve(__dirname, "../..");
export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export type TestUser = { id: string; email: string; password: string; name: string; role: string; token: string };
export type ApiResult<T = any> = { status: number; body: T; headers: Headers };

export const testsUsePostgres = () => process.env.TEST_DB === "postgres";
/** The compiled server, as `npm start` runs it (built by the global setup through scripts/build-if-stale.ts). */
const SERVER_JS = path.join(ROOT, "dist", "server.js");
/**
 * How `npm start` runs the server (package.json): a young generation of at most 8 MB per semi-space (V8 lets it
 * grow to 16 MB, ≈ 20–30 MB of RSS an idle server keeps: bench:memory 256 → 237 MB; 2 MB saved a little more
 * but cost ≈ 9 % of agent-ingest throughput, 8 MB nothing measurable) and two malloc arenas.
 * SERVER_NODE_ARGS_OVERRIDE (benchmarks) replaces the flags, e.g. "" or "--max-semi-space-size=2".
 */
export const SERVER_NODE_ARGS = process.env.SERVER_NODE_ARGS_OVERRIDE !== undefined ? process.env.SERVER_NODE_ARGS_OVERRIDE.split(" ").filter(Boolean) : ["--max-semi-space-size=8"];
const SERVER_ENV = { MALLOC_ARENA_MAX: "2" };

/**
 * Migrated templates, made once per set of migrations by the global setup (test/support/templates.ts):
 * a server's fresh database is a copy, so each start skips applying every migration again.
 */
export function migrationsKey(): string {
  const dir = path.join(ROOT, "prisma", "migrations");
  const h = createHash("sha256");
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (existsSync(file)) h.update(name).update(readFileSync(file));
  }
  return h.digest("hex").slice(0, 16);
}
export const pgTemplateName = () => `switchboard_tmpl_${migrationsKey()}`;
export const pgliteTemplateDir = () => path.join(tmpdir(), `switchboard-pglite-tmpl-${migrationsKey()}`);

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `switchboard_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const tmpl = pgTemplateName();
  const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [tmpl]);
  await admin.query(`CREATE DATABASE "${name}"${rowCount ? ` TEMPLATE "${tmpl}"` : ""}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      await c.end();
    },
  };
}

export class TestServer {
  url = "";
  logs: string[] = [];
  exitCode: number | null = null;
  private exited: Promise<number | null>;
  private sockets: Socket[] = [];
  private userSeq = 0;

  constructor(
    public proc: ChildProcess,
    public dataDir: string,
    public env: Record<string, string>,
    private cleanup: () => Promise<void>,
  ) {
    this.exited = new Promise((resolve) => proc.once("exit", (code) => resolve((this.exitCode = code))));
  }

  get alive() {
    return this.exitCode === null && this.proc.exitCode === null;
  }

  /** REST call; body objects are sent as JSON, strings raw. */
  async request<T = any>(method: string, p: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(this.url + p, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Register a user (first one becomes admin) and get a Bearer token. */
  async createUser(name?: string): Promise<TestUser> {
    const n = ++this.userSeq;
    const email = `user${n}-${randomBytes(3).toString("hex")}@example.test`;
    const password = "correct-horse-battery";
    const display = name ?? `User ${n}`;
    const reg = await this.request("POST", "/api/v1/auth/register", { body: { email, password, name: display } });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
    const tok = await this.request("POST", "/api/v1/auth/token", { body: { email, password } });
    if (tok.status !== 200) throw new Error(`token failed: ${tok.status} ${JSON.stringify(tok.body)}`);
    return { ...reg.body.user, password, token: tok.body.token };
  }

  async createProject(user: TestUser, body: Record<string, unknown> = {}) {
    const r = await this.request("POST", "/api/v1/projects", { token: user.token, body: { name: `Project ${randomBytes(2).toString("hex")}`, ...body } });
    if (r.status !== 201) throw new Error(`create project failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { id: string; name: string; [k: string]: unknown };
  }

  async addMember(owner: TestUser, projectId: string, member: TestUser, role: "owner" | "member" | "viewer") {
    const r = await this.request("POST", `/api/v1/projects/${projectId}/members`, { token: owner.token, body: { email: member.email, role } });
    if (r.status !== 201 && r.status !== 200) throw new Error(`add member failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Sign in through next-auth's credentials flow; returns the Cookie header value. */
  async sessionCookie(user: Pick<TestUser, "email" | "password">): Promise<string> {
    const csrfRes = await fetch(`${this.url}/api/auth/csrf`);
    const jar = new Map<string, string>();
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [kv] = c.split(";");
        const i = kv!.indexOf("=");
        jar.set(kv!.slice(0, i), kv!.slice(i + 1));
      }
    };
    keep(csrfRes);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(`${this.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
      body: new URLSearchParams({ csrfToken, email: user.email, password: user.password, json: "true" }),
    });
    keep(res);
    if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed: ${res.status}`);
    return cookie();
  }

  /** A connected socket.io client (rejects with the connect_error). */
  async connect(opts: Partial<ManagerOptions & SocketOptions> & { namespace?: string } = {}): Promise<Socket> {
    const { namespace = "/", ...rest } = opts;
    const socket = io(this.url + namespace, { transports: ["websocket"], reconnection: false, forceNew: true, ...rest });
    this.sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (e) => reject(e));
    });
    return socket;
  }

  /** The connect_error a refused connection gets. */
  async connectError(opts: Partial<ManagerOptions & SocketOptions> = {}): Promise<Error & { data?: any }> {
    const socket = io(this.url, { transports: ["websocket"], reconnection: false, forceNew: true, ...opts });
    this.sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once("connect", () => reject(new Error("connected but should have been refused")));
      socket.once("connect_error", (e) => resolve(e as Error & { data?: any }));
    });
  }

  closeSockets() {
    for (const s of this.sockets) s.disconnect();
    this.sockets = [];
  }

  /** SIGTERM and wait; resolves with the exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<number | null> {
    this.closeSockets();
    if (this.alive) {
      this.proc.kill(signal);
      const t = setTimeout(() => this.proc.kill("SIGKILL"), timeoutMs);
      await this.exited;
      clearTimeout(t);
    }
    await this.cleanup();
    return this.exitCode;
  }

  waitExit() {
    return this.exited;
  }
}

// Never leave a server behind when a test process ends early (a failed test before stop()).
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

export type StartOptions = { env?: Record<string, string>; dataDir?: string; keepDatabase?: boolean; databaseUrl?: string };

/** Spawn `server.ts` in production mode on 127.0.0.1:0 and wait for its "listening" line. */
/** A fresh DATA_DIR starts from the migrated PGlite template (when the global setup made one). */
function seedPglite(dataDir: string) {
  const tmpl = pgliteTemplateDir();
  if (!existsSync(path.join(dataDir, "pglite")) && existsSync(tmpl)) cpSync(tmpl, path.join(dataDir, "pglite"), { recursive: true });
}

let serverChecked = false;
/** Benchmarks and one-off scripts have no global setup: compile the server here when it is stale. */
function ensureServerBuilt() {
  if (serverChecked) return;
  serverChecked = true;
  if (serverBuildIsStale()) buildServer();
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  ensureServerBuilt();
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "switchboard-test-"));
  if (!testsUsePostgres() && !opts.databaseUrl) seedPglite(dataDir);
  let dropDb = async () => {};
  const env: Record<string, string> = {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    ...SERVER_ENV,
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    AUTH_SECRET: "test-secret-" + randomBytes(16).toString("hex"),
    ...opts.env,
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else if (testsUsePostgres() && !("DATABASE_URL" in (opts.env ?? {}))) {
    const db = await createTestDatabase();
    env.DATABASE_URL = db.url;
    if (!opts.keepDatabase) dropDb = db.drop;
  }
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ["DATABASE_URL", "REDIS_URL", "CORS_ORIGINS", "ALLOW_SIGNUP", "OPENAI_API_KEY", "OPENAI_BASE_URL"]) {
    if (!(k in env)) delete childEnv[k];
  }
  const proc = spawn(process.execPath, [...SERVER_NODE_ARGS, SERVER_JS], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  live.add(proc);
  proc.once("exit", () => live.delete(proc));
  const server = new TestServer(proc, dataDir, env, async () => {
    await dropDb();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) server.logs.push(line);
    if (process.env.TEST_SERVER_LOGS) process.stderr.write(chunk);
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 90 s:\n${server.logs.join("\n")}`)), 90_000);
    const check = (chunk: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (m) {
        clearTimeout(timer);
        server.url = m[1]!.replace("localhost", "127.0.0.1");
        resolve();
      }
    };
    proc.stdout!.on("data", check);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${server.logs.join("\n")}`));
    });
  });
  return server;
}

/** Run the server with an environment that must make it refuse to start; returns exit code and output. */
export async function startExpectingFailure(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string; stderr: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "switchboard-bad-"));
  const childEnv = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: "0", DATA_DIR: dataDir, ...env } as NodeJS.ProcessEnv;
  ensureServerBuilt();
  if (!env.DATABASE_URL) seedPglite(dataDir);
  const proc = spawn(process.execPath, [...SERVER_NODE_ARGS, SERVER_JS], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let stderr = "";
  proc.stdout!.on("data", (c: Buffer) => (output += c));
  proc.stderr!.on("data", (c: Buffer) => {
    output += c;
    stderr += c;
  });
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => {
      proc.kill("SIGKILL");
      resolve(null);
    }, timeoutMs);
    proc.once("exit", (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  rmSync(dataDir, { recursive: true, force: true });
  return { code, output, stderr };
}

/** Wait for the next event of this name (or one matching pred). */
export function nextEvent<T = any>(socket: Socket, name: string, pred: (e: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      socket.off(name, on);
      reject(new Error(`timed out waiting for ${name}`));
    }, timeoutMs);
    const on = (e: T) => {
      if (!pred(e)) return;
      clearTimeout(t);
      socket.off(name, on);
      resolve(e);
    };
    socket.on(name, on);
  });
}

/**
 * Start listening for `name` now and wait later: an event that arrives between an action and the
 * wait (a fast job can finish before its 202 is read) is kept instead of missed.
 */
export function listenFor<T = any>(socket: Socket, name: string) {
  const seen: T[] = [];
  const waiters = new Set<{ pred: (e: T) => boolean; resolve: (e: T) => void }>();
  const on = (e: T) => {
    seen.push(e);
    for (const w of waiters) if (w.pred(e)) { waiters.delete(w); w.resolve(e); }
  };
  socket.on(name, on);
  return {
    wait(pred: (e: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
      const hit = seen.find(pred);
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise<T>((resolve, reject) => {
        const w = { pred, resolve: (e: T) => { clearTimeout(t); resolve(e); } };
        const t = setTimeout(() => { waiters.delete(w); reject(new Error(`timed out waiting for ${name}`)); }, timeoutMs);
        waiters.add(w);
      });
    },
    stop() { socket.off(name, on); waiters.clear(); },
  };
}

/** Collect every event a socket receives (name + payload) from now on. */
export function record(socket: Socket) {
  const events: { name: string; payload: any }[] = [];
  socket.onAny((name, payload) => events.push({ name, payload }));
  return events;
}

/** Two processes sharing one fresh PostgreSQL database, one Redis (own prefix) and one AUTH_SECRET. */
export async function startPair(extraEnv: Record<string, string> = {}): Promise<{ a: TestServer; b: TestServer; stop: () => Promise<void> }> {
  const db = await createTestDatabase();
  const env = { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: `sbtest-${randomBytes(4).toString("hex")}`, AUTH_SECRET: `shared-${randomBytes(16).toString("hex")}`, ...extraEnv };
  const a = await startServer({ env, databaseUrl: db.url });
  const b = await startServer({ env, databaseUrl: db.url });
  return {
    a,
    b,
    stop: async () => {
      await a.stop();
      await b.stop();
      await db.drop();
    },
  };
}
