// Switchboard's one process: configuration → database (migrations) → Next.js → HTTP server →
// Socket.IO → listen → background work, all parts of one runtime (lib/runtime.ts). SIGINT/SIGTERM stop it
// gracefully within 10 s.
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import path from "node:path";
import next from "next";
import { ConfigError, parseConfig, setConfig, type AppConfig } from "./lib/config";
import { closeDatabase, createAdapterFactory, getPrisma, isEmbedded } from "./lib/db";
import { drainNotificationTriggers, onPublished } from "./lib/notifications/triggers";
import { drainPublishes, onPublish } from "./lib/realtime/publish";
import { admitHttp } from "./lib/realtime/overload";
import { allMigrationsApplied, applyMigrations } from "./lib/migrator";
import { createRealtime, originAllowed } from "./lib/realtime/server";
import { connectRedis } from "./lib/realtime/redis";
import { createLimiters } from "./lib/limits";
import { failInterruptedMessages } from "./lib/vibecode/service";
import { failInterruptedReviews } from "./lib/reviews/service";
import { failInterruptedRuns } from "./lib/test-runs/service";
import { killAllRuns } from "./lib/test-runs/runner";
import { prepareDataDir, sandboxHelp, sandboxStatus } from "./lib/test-runs/sandbox";
import { startRetention } from "./lib/retention";
import { startStaleSweep } from "./lib/workflows/service";
import { after, closeRuntime, every, onClose } from "./lib/runtime";
import { agentCommands, agentPresence, drainAgentPresence } from "./lib/agents/socket";
import { sweepPresence } from "./lib/agents/service";
import { startThroughputSampler } from "./lib/admin/metrics";
import { securityHeaders } from "./lib/security/headers";
import { checkCsrf, checkHost, normalizeForwarded, type Refusal, type RequestPolicy } from "./lib/security/requests";
import { metrics } from "./lib/metrics";
import type { Duplex } from "node:stream";
import { pinoHttp } from "pino-http";
import { errInfo, log, logger } from "./lib/logger";
import { requestIdFrom } from "./lib/log-context";
import { UUID_SEGMENT, serveDirect, type DirectRoute } from "./lib/api/direct";
import { PUT as putProject, PATCH as patchProject } from "./app/api/v1/projects/[id]/route";

/**
 * Hot REST routes served without Next's app-route runtime (lib/api/direct.ts): the route modules' own handlers.
 * `PUT /api/v1/projects/{id}` is the REST publish path (issue #11).
 */
const DIRECT_ROUTES: DirectRoute[] = [
  { method: "PUT", pattern: new RegExp(`^/api/v1/projects/${UUID_SEGMENT}`), param: "id", handler: putProject },
  { method: "PATCH", pattern: new RegExp(`^/api/v1/projects/${UUID_SEGMENT}`), param: "id", handler: patchProject },
];

// Compiled to dist/server.js for production (scripts/build-if-stale.ts); run as TypeScript in development.
const ROOT = path.basename(__dirname) === "dist" ? path.dirname(__dirname) : __dirname;

/** A reason not to start: one fatal line (on stderr), exit 1. */
function fail(line: string): never {
  logger().fatal(line);
  process.exit(1);
}

async function migrate(config: AppConfig) {
  try {
    const upToDate = await allMigrationsApplied((sql) => getPrisma().$queryRawUnsafe(sql));
    const applied = upToDate ? [] : await applyMigrations(createAdapterFactory());
    if (applied.length) logger().info(`[db] applied migrations: ${applied.join(", ")}`);
    await getPrisma().$queryRawUnsafe("SELECT 1");
  } catch (e) {
    const msg = (e as Error).message?.split("\n")[0] ?? String(e);
    if (isEmbedded()) fail(`DATA_DIR: cannot open the embedded database in ${config.dataDir}/pglite (${msg})`);
    fail(`DATABASE_URL: cannot use the database (${msg})`);
  }
}

/** CORS for the REST API: only origins from CORS_ORIGINS, never "*". */
function applyCors(req: IncomingMessage, res: ServerResponse, config: AppConfig): boolean {
  const origin = req.headers.origin;
  if (!origin || !req.url?.startsWith("/api/") || !config.corsOrigins.includes(origin)) return false;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Access-Control-Allow-Credentials", "true");
  res.setHeader("Vary", "Origin");
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "authorization,content-type");
    res.setHeader("Access-Control-Max-Age", "600");
    res.statusCode = 204;
    res.end();
    return true;
  }
  return false;
}

function refuse(res: ServerResponse, r: Refusal) {
  metrics().httpRefused.inc({ reason: r.reason });
  res.statusCode = r.status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ error: { code: r.code, message: r.message } }));
}

/**
 * Put the request guard in front of every "request" / "upgrade" listener the server has (Next's and the
 * ones Socket.IO's engine installed): forwarded headers, Host allowlist, CSRF and security headers apply
 * to pages, API routes, /socket.io/ polling and WebSocket handshakes alike.
 */
function guardServer(server: ReturnType<typeof createServer>, config: AppConfig) {
  const policy: RequestPolicy = { publicUrl: config.publicUrl, trustProxy: config.trustProxy, corsOrigins: config.corsOrigins };
  const headers = Object.entries(securityHeaders({ publicUrl: config.publicUrl }));
  const onRequest = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners("request");
  const httpLog = requestLogger();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    normalizeForwarded(req, policy);
    for (const [k, v] of headers) res.setHeader(k, v);
    const refusal = checkHost(req, policy) ?? checkCsrf(req, policy);
    if (refusal) {
      httpLog(req, res);
      return refuse(res, refusal);
    }
    // Mutating API calls are admitted here, before any other work on them: under overload most requests are
    // refused (503 OVERLOADED), and a refusal must cost next to nothing (no request logger; refusals are
    // summarised by lib/realtime/overload.ts). It still carries the security, CORS and X-Request-Id headers.
    const admitted = admitHttp(req, res, () => {
      applyCors(req, res, config);
      res.setHeader("X-Request-Id", requestIdFrom(req.headers["x-request-id"]));
    });
    if (!admitted) return;
    httpLog(req, res); // request id (X-Request-Id), one line per API request when it completes
    for (const l of onRequest) l.call(server, req, res);
  });
  const onUpgrade = server.listeners("upgrade") as ((req: IncomingMessage, socket: Duplex, head: Buffer) => void)[];
  server.removeAllListeners("upgrade");
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    normalizeForwarded(req, policy);
    const refusal = checkHost(req, policy);
    if (refusal) {
      metrics().httpRefused.inc({ reason: refusal.reason });
      socket.end(`HTTP/1.1 ${refusal.status} Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    for (const l of onUpgrade) l.call(server, req, socket, head);
  });
}

/**
 * pino-http: every request gets an id (the client's X-Request-Id when it is plain and short, else a new
 * one), passed to route handlers in the x-request-id header (lib/log-context.ts) and answered in
 * X-Request-Id. API requests are logged once completed, without the query string (Socket.IO polling carries
 * ?token=) and without headers (cookies, Authorization).
 */
function requestLogger() {
  return pinoHttp({
    logger: log("http"),
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers["x-request-id"]);
      req.headers["x-request-id"] = id;
      res.setHeader("X-Request-Id", id);
      return id;
    },
    autoLogging: { ignore: (req) => !req.url?.startsWith("/api/") },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, path: (req.url ?? "").split("?")[0]!.slice(0, 300) }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
    },
    // request_id is bound once, by the per-request child logger (customProps would add two more children)
    customAttributeKeys: { reqId: "request_id" },
    quietReqLogger: true,
  });
}

/** Test runs: the sandbox is probed at boot; running without it is said loudly. */
async function checkSandbox(config: AppConfig) {
  if (config.testRuns.sandbox === "off") {
    logger().warn(
      "[test-runs] WARNING: TEST_RUN_SANDBOX=off: test commands run UNSANDBOXED as this server's user, with its files and network. " +
        "Anyone who can start a run can read the database, the auth secret and every workspace. Only for a machine where everyone is trusted.",
    );
    return;
  }
  await prepareDataDir(config).catch((e) => logger().warn(`[test-runs] could not set DATA_DIR permissions for the sandbox: ${(e as Error).message}`));
  const s = await sandboxStatus(config);
  if (s.ok) logger().info(`[test-runs] sandbox: bubblewrap, network ${config.testRuns.network}`);
  else logger().warn(`[test-runs] WARNING: runs will be refused (503 SANDBOX_UNAVAILABLE): ${sandboxHelp(s.reason)}`);
}

function loadConfig(): AppConfig {
  let config: AppConfig;
  try {
    config = parseConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  setConfig(config);
  // next-auth reads these. With PUBLIC_URL its URLs (callbacks, redirects, secure cookies) come from it;
  // without, from the request's Host (X-Forwarded-Host/-Proto count only with TRUST_PROXY: server.ts drops them).
  process.env.NEXTAUTH_SECRET = config.authSecret;
  if (config.publicUrl) process.env.NEXTAUTH_URL = config.publicUrl;
  else process.env.AUTH_TRUST_HOST ??= "true";
  return config;
}

/** The HTTP server: preflights refused for foreign origins, CORS for the allowlist, the rest to Next. */
function createHttpServer(config: AppConfig, handle: ReturnType<ReturnType<typeof next>["getRequestHandler"]>) {
  const server = createServer((req, res) => {
    // (x-forwarded-*, x-switchboard-client-ip: set by guardServer's normalizeForwarded)
    if (req.headers.origin && req.url?.startsWith("/api/") && !originAllowed(req, config.publicUrl ? [...config.corsOrigins, config.publicUrl] : config.corsOrigins) && req.method === "OPTIONS") {
      res.statusCode = 403;
      return res.end();
    }
    if (applyCors(req, res, config)) return;
    // (mutating API calls were admitted by guardServer: 503 OVERLOADED when this process cannot keep up)
    // The hot REST routes skip Next's route runtime (lib/api/direct.ts); everything above applied to them.
    if (serveDirect(DIRECT_ROUTES, req, res)) return;
    void handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  // A request (headers and its ≤ 1 MB body) must arrive within 30 s (Node's default: 5 min): a client that
  // trickles bodies cannot hold admitted publishes (lib/realtime/overload.ts) or sockets for long.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  return server;
}

async function listen(server: HttpServer, config: AppConfig): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A deep accept queue (capped by net.core.somaxconn): Node accepts one connection per event-loop turn
    // (libuv ≥ 1.45), so under load a burst of new connections waits to be accepted; with the default 511
    // the kernel drops their SYNs instead, which clients only retry after 1, 3, 7 … s.
    server.listen({ port: config.port, host: config.host, backlog: 4096 }, () => resolve());
  }).catch((e: NodeJS.ErrnoException) => fail(`PORT: cannot listen on ${config.host}:${config.port} (${e.code ?? e.message})`));
  return (server.address() as AddressInfo).port;
}

/**
 * Work a stopped process left unfinished ends with a reason (after listen: its events need the hub).
 * Alone, everything in flight was ours; beside other processes, only what outlived its time limit.
 */
function sweepInterrupted(config: AppConfig) {
  const grace = (ms: number) => (config.redisUrl ? ms + 30_000 : 0);
  return Promise.all([
    failInterruptedMessages({ olderThanMs: grace(config.openai.timeoutMs) })
      .then((n) => n && logger().info(`[vibecode] ${n} interrupted message(s) marked failed`))
      .catch((e) => logger().error(errInfo(e), "[vibecode] sweep failed")),
    failInterruptedRuns({ olderThanMs: grace(config.testRuns.timeoutMs) })
      .then((n) => n && logger().info(`[test-runs] ${n} interrupted run(s) marked error`))
      .catch((e) => logger().error(errInfo(e), "[test-runs] sweep failed")),
    failInterruptedReviews({ olderThanMs: grace(config.openai.timeoutMs) })
      .then((n) => n && logger().info(`[reviews] ${n} interrupted review(s) marked failed`))
      .catch((e) => logger().error(errInfo(e), "[reviews] sweep failed")),
  ]);
}

/** The runtime's background timers: sweeps (with several processes, every minute), presence, throughput, retention. */
async function startBackgroundWork(config: AppConfig) {
  await sweepInterrupted(config);
  if (config.redisUrl) every("interrupted-work sweep", 60_000, () => void sweepInterrupted(config));
  // Agents left "online" by a process that died: offline unless some process still holds a connection.
  after("presence sweep", 2000, () => void sweepPresence().catch((e) => logger().error(errInfo(e), "[agents] presence sweep failed")));
  startThroughputSampler();
  const stopRetention = startRetention(config);
  onClose("retention", stopRetention);
  // Running workflows without an update for WORKFLOW_STALE_AFTER_MS end failed (stale), on every process.
  onClose("workflow stale sweep", startStaleSweep(config.workflowStaleAfterMs));
  onClose("test runs", killAllRuns);
}

/** SIGINT/SIGTERM: stop accepting, then close the runtime (last opened first) within 9 s. */
function stopOnSignals(server: HttpServer) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info(`[server] ${signal}: shutting down`);
    setTimeout(() => {
      logger().error("[server] shutdown took too long; exiting");
      process.exit(0);
    }, 9_000).unref();
    server.close(); // stop accepting
    // Keep-alive connections (Socket.IO polling) go idle once their last answer is sent: close them as
    // they do, or the HTTP server's close (awaited by Socket.IO's) waits for the 9 s limit.
    setInterval(() => server.closeIdleConnections(), 100).unref();
    await closeRuntime(signal);
    logger().info("[server] stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

/**
 * The process's runtime (lib/runtime.ts, one globalThis key): configuration, database, limiters, metrics,
 * Next, the HTTP server, the realtime hub (with the agents' presence and commands wired in), the queues
 * and the runner (created on first use), background timers; each part registers how it closes.
 */
export async function main() {
  const config = loadConfig();
  await migrate(config);
  onClose("database", closeDatabase);
  await checkSandbox(config);
  const redisClient = config.redisUrl ? await connectRedis(config.redisUrl).catch((e: Error) => fail(e.message)) : null;
  createLimiters(config, redisClient);
  metrics();

  const dev = process.env.NODE_ENV !== "production";
  // Next attaches its own "upgrade" listener to the server of its first request (outside guardServer), and
  // that listener runs Next's route resolution for every WebSocket handshake, /socket.io/ included (CPU per
  // connection, and listeners and an AbortSignal kept on every socket). Give it a server of its own that never
  // upgrades: Socket.IO owns /socket.io/, and in development the guarded listener below hands Next the rest.
  const app = next({ dev, dir: ROOT, hostname: config.host, port: config.port, httpServer: new EventEmitter() as unknown as HttpServer });
  await app.prepare();
  onClose("next", () => app.close?.().catch?.(() => {}));
  const server = createHttpServer(config, app.getRequestHandler());
  onClose("http connections", () => server.closeAllConnections());
  // Notifications of what the shutdown itself publishes (agents going offline) are made before the database closes.
  onPublish(onPublished);
  onClose("notification triggers", () => drainNotificationTriggers());

  // What closing the sockets publishes (agents going offline) is stored before the notifications drain.
  onClose("agent presence and publishes", async () => {
    await drainAgentPresence();
    await drainPublishes();
  });
  const realtime = createRealtime(server, config, { dev, redisClient, hooks: [agentPresence], commands: agentCommands });
  onClose("realtime", (reason) => realtime.close(reason));
  if (dev) {
    const upgrade = app.getUpgradeHandler();
    server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/socket.io/")) void upgrade(req, socket, head);
    });
  }
  guardServer(server, config);

  const port = await listen(server, config);
  await startBackgroundWork(config);
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  logger().info(`Switchboard listening on http://${shownHost}:${port} (${dev ? "development" : "production"}, ${isEmbedded() ? "embedded database in " + path.join(config.dataDir, "pglite") : "PostgreSQL"}, ${config.redisUrl ? "Redis adapter" : "in-memory adapter"})`);
  stopOnSignals(server);
}

process.on("unhandledRejection", (e) => logger().error(errInfo(e), "[server] unhandled rejection"));

if (require.main === module) {
  process.chdir(ROOT);
  main().catch((e) => fail(`Switchboard failed to start: ${(e as Error).stack ?? e}`));
}
