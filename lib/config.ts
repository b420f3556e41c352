// Environment parsed once with zod. A bad value stops the process with one line naming the variable.
import { z } from "zod";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { part, setPart } from "./runtime";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}`);

const EnvSchema = z.object({
  PORT: z.coerce.number({ message: "must be a number" }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./.data"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/, "must be letters, digits, : . _ or -").default("switchboard"),
  AUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const list = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      for (const o of list) {
        if (o === "*") {
          ctx.addIssue({ code: "custom", message: "'*' is not allowed; list the origins" });
          return z.NEVER;
        }
        try {
          const u = new URL(o);
          if (u.origin !== o.replace(/\/$/, "")) throw new Error();
        } catch {
          ctx.addIssue({ code: "custom", message: `'${o}' is not an origin like https://app.example.com` });
          return z.NEVER;
        }
      }
      return list.map((o) => o.replace(/\/$/, ""));
    }),
  ALLOW_SIGNUP: bool.default(true),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: url(["http:", "https:"]).optional(),
  OPENAI_MODEL: z.string().default("gpt-4o-mini"),
  LLM_TIMEOUT_MS: z.coerce.number({ message: "must be a number" }).int().min(1000).max(3_600_000).default(120_000),
  LLM_CONCURRENCY: z.coerce.number({ message: "must be a number" }).int().min(1).max(64).default(4),
  REPO_ROOTS: z.string().optional(),
  RATE_LIMIT_CONNECTIONS_PER_MINUTE: z.coerce.number({ message: "must be a number" }).int().min(1).default(600),
  RATE_LIMIT_COMMANDS_PER_SECOND: z.coerce.number({ message: "must be a number" }).int().min(1).default(50),
  RATE_LIMIT_REST_PER_MINUTE: z.coerce.number({ message: "must be a number" }).int().min(1).default(1200),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number({ message: "must be a number" }).int().min(1).default(60),
  TEST_RUN_TIMEOUT_MS: z.coerce.number({ message: "must be a number" }).int().min(1000).max(86_400_000).default(600_000),
  TEST_RUN_CONCURRENCY: z.coerce.number({ message: "must be a number" }).int().min(1).max(32).default(2),
  GITHUB_WEBHOOK_SECRET: z.string().optional(),
  GITHUB_API_URL: z.url({ message: "must be a URL like https://api.github.com" }).default("https://api.github.com"),
  SOCKET_MAX_ROOMS: z.coerce.number({ message: "must be a number" }).int().min(3).max(100_000).default(200),
  PUBLISH_QUEUE_MAX: z.coerce.number({ message: "must be a number" }).int().min(1).max(1_000_000).default(4000),
  PUBLISH_MAX_WAIT_MS: z.coerce.number({ message: "must be a number" }).int().min(10).max(60_000).default(400),
  PUBLISH_MAX_LAG_MS: z.coerce.number({ message: "must be a number" }).int().min(10).max(60_000).default(500),
  PUBLISH_BATCH_MAX: z.coerce.number({ message: "must be a number" }).int().min(1).max(5000).default(500),
  PUBLISH_MAX_PER_CLIENT: z.coerce.number({ message: "must be a number" }).int().min(1).max(1_000_000).default(24),
  SOCKET_MAX_BUFFER_BYTES: z.coerce.number({ message: "must be a number" }).int().min(16_384).max(1_073_741_824).default(4 * 1024 * 1024),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  RATE_LIMIT_WEBHOOK_REFUSALS_PER_MINUTE: z.coerce.number({ message: "must be a number" }).int().min(1).default(30),
  EVENT_RETENTION_DAYS: z.coerce.number({ message: "must be a number" }).min(0).max(36_500).default(30),
  EVENT_RETENTION_PER_ROOM: z.coerce.number({ message: "must be a number" }).int().min(0).default(100_000),
  AUDIT_RETENTION_DAYS: z.coerce.number({ message: "must be a number" }).min(0).max(36_500).default(365),
  EVENT_RETENTION_INTERVAL_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(1).max(86_400).default(300),
  IDEMPOTENCY_WINDOW_MS: z.coerce.number({ message: "must be a number" }).int().min(1000).max(604_800_000).default(600_000),
  LLM_QUEUE_PER_PROJECT: z.coerce.number({ message: "must be a number" }).int().min(1).max(10_000).default(10),
  WORKFLOW_STALE_AFTER_MS: z.coerce.number({ message: "must be a number" }).int().min(1000).max(30 * 86_400_000).default(600_000),
  PUBLIC_URL: url(["http:", "https:"])
    .refine((v) => {
      const u = URL.parse(v); // null: already refused as not a URL
      return !u || ((u.pathname === "/" || u.pathname === "") && !u.search && !u.hash && !u.username && !u.password);
    }, "must be an origin like https://switchboard.example.com (no path, query or credentials)")
    .optional(),
  TRUST_PROXY: bool.default(false),
  RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS: z.coerce.number({ message: "must be a number" }).int().min(1).default(30),
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: z.coerce.number({ message: "must be a number" }).int().min(1).default(10),
  RATE_LIMIT_SIGNIN_WINDOW_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(1).max(86_400).default(900),
  TEST_RUN_SANDBOX: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
  TEST_RUN_NETWORK: z.enum(["none", "host"], { message: "must be none or host" }).default("none"),
  TEST_RUN_SANDBOX_UID: z.coerce.number({ message: "must be a number" }).int().min(1).max(4_294_967_294).default(65534),
  TEST_RUN_SANDBOX_PATHS: z.string().optional(),
  TEST_RUN_CPU_SECONDS: z.coerce.number({ message: "must be a number" }).int().min(1).max(86_400).default(600),
  TEST_RUN_MAX_PROCESSES: z.coerce.number({ message: "must be a number" }).int().min(8).max(100_000).default(512),
  TEST_RUN_MAX_FILE_BYTES: z.coerce.number({ message: "must be a number" }).int().min(1024).default(1024 * 1024 * 1024),
  TEST_RUN_TMP_BYTES: z.coerce.number({ message: "must be a number" }).int().min(1024 * 1024).default(1024 * 1024 * 1024),
  TEST_RUN_LOG_MAX_BYTES: z.coerce.number({ message: "must be a number" }).int().min(1024).max(1024 * 1024 * 1024).default(32 * 1024 * 1024),
  TEST_RUN_QUEUE_PER_PROJECT: z.coerce.number({ message: "must be a number" }).int().min(1).max(10_000).default(5),
  GIT_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const list = (v ?? "github.com,gitlab.com,bitbucket.org").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
      for (const h of list) {
        if (!/^(\*\.)?[a-z0-9]([a-z0-9-]{0,62}\.){0,16}[a-z0-9-]{0,63}$/.test(h)) {
          ctx.addIssue({ code: "custom", message: `'${h}' is not a host name like github.com or *.example.com` });
          return z.NEVER;
        }
      }
      return list;
    }),
  GIT_CLONE_TIMEOUT_MS: z.coerce.number({ message: "must be a number" }).int().min(1000).max(3_600_000).default(120_000),
  GIT_CLONE_MAX_BYTES: z.coerce.number({ message: "must be a number" }).int().min(1024 * 1024).default(1024 * 1024 * 1024),
});

export type AppConfig = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix: string;
  authSecret: string;
  corsOrigins: string[];
  allowSignup: boolean;
  openai: { apiKey?: string; baseUrl?: string; model: string; timeoutMs: number; concurrency: number };
  repoRoots: string[];
  testRuns: {
    timeoutMs: number;
    concurrency: number;
    /** Runs waiting or running per project at most (past it: 429 RATE_LIMITED). */
    queuePerProject: number;
    /** Bytes of a run's output kept in its log (the rest is counted, not stored). */
    logMaxBytes: number;
    /** "on": every command runs under bubblewrap (lib/test-runs/sandbox.ts); "off": unsandboxed (warned at boot). */
    sandbox: "on" | "off";
    network: "none" | "host";
    /** The uid (and gid) a run drops to when the server runs as root. */
    sandboxUid: number;
    /** Extra directories visible read-only inside a run (this install's node_modules by default). */
    sandboxPaths: string[];
    cpuSeconds: number;
    maxProcesses: number;
    maxFileBytes: number;
    tmpBytes: number;
  };
  /** Repository URLs: remote hosts allowed (exact, or `*.suffix`), clone limits. Local paths: repoRoots. */
  git: { allowedHosts: string[]; cloneTimeoutMs: number; cloneMaxBytes: number };
  rateLimits: {
    connectionsPerMinute: number;
    commandsPerSecond: number;
    restPerMinute: number;
    authPerMinute: number;
    webhookRefusalsPerMinute: number;
    /** Failed sign-ins (wrong password or unknown email) per client address / per account, in signinWindowSeconds. */
    signinFailuresPerAddress: number;
    signinFailuresPerAccount: number;
    signinWindowSeconds: number;
  };
  /** The one origin browsers reach this server at; set: other Host values are refused (DNS rebinding). */
  publicUrl?: string;
  /** Trust X-Forwarded-For/-Host/-Proto (a reverse proxy in front sets them); false: they are ignored. */
  trustProxy: boolean;
  /** Event log (and webhook delivery log) retention: age in days (0: keep), newest events kept per room (0: no cap). */
  retention: { days: number; perRoom: number; intervalMs: number; auditDays: number };
  /** How long an idempotency key's first result is replayed (lib/idempotency.ts). */
  idempotencyWindowMs: number;
  /** Model calls (vibecode answers, AI reviews) that may wait or run at once per project. */
  llmQueuePerProject: number;
  /** A running workflow without an update for this long ends failed (reason `stale`). */
  workflowStaleAfterMs: number;
  githubWebhookSecret?: string;
  /** Where pull requests are opened (GitHub's REST API; GitHub Enterprise or a test server). */
  githubApiUrl: string;
  metricsToken?: string;
  /** A socket with more than this many bytes waiting to be sent is disconnected (slow client). */
  socketMaxBufferBytes: number;
  /** Rooms one socket may be in at once (its own user room and `global` included). */
  socketMaxRooms: number;
  /**
   * Overload bounds (lib/realtime/overload.ts): publishes admitted and not yet answered at most (`queueMax`);
   * answers (or a request's wait before its handler) slower than `maxWaitMs`, or `maxLagMs` of event-loop
   * lag, and new publishes are refused with 503 OVERLOADED. Rows per multi-row INSERT at most (`batchMax`).
   */
  publish: { queueMax: number; maxWaitMs: number; maxLagMs: number; batchMax: number; maxPerClient: number };
};

export class ConfigError extends Error {
  constructor(public variable: string, message: string) {
    super(`Configuration error: ${variable} ${message}`);
  }
}

/** The AUTH_SECRET kept in DATA_DIR (mode 0600), created on first start. */
function persistedSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth_secret");
  if (existsSync(file)) {
    const s = readFileSync(file, "utf8").trim();
    if (s.length >= 32) return s;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export function parseConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings count as unset: `FOO= npm start` should mean "default".
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = EnvSchema.safeParse(clean);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? "environment"), issue.message);
  }
  const e = r.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let authSecret: string;
  try {
    authSecret = e.AUTH_SECRET ?? persistedSecret(dataDir);
  } catch (err) {
    throw new ConfigError("DATA_DIR", `is not writable (${(err as Error).message})`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    authSecret,
    corsOrigins: e.CORS_ORIGINS,
    allowSignup: e.ALLOW_SIGNUP,
    retention: { days: e.EVENT_RETENTION_DAYS, perRoom: e.EVENT_RETENTION_PER_ROOM, intervalMs: e.EVENT_RETENTION_INTERVAL_SECONDS * 1000, auditDays: e.AUDIT_RETENTION_DAYS },
    llmQueuePerProject: e.LLM_QUEUE_PER_PROJECT,
    workflowStaleAfterMs: e.WORKFLOW_STALE_AFTER_MS,
    idempotencyWindowMs: e.IDEMPOTENCY_WINDOW_MS,
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      timeoutMs: e.LLM_TIMEOUT_MS,
      concurrency: e.LLM_CONCURRENCY,
    },
    repoRoots: (e.REPO_ROOTS ?? path.join(dataDir, "repos")).split(",").map((s) => path.resolve(s.trim())).filter(Boolean),
    githubWebhookSecret: e.GITHUB_WEBHOOK_SECRET,
    githubApiUrl: e.GITHUB_API_URL.replace(/\/+$/, ""),
    metricsToken: e.METRICS_TOKEN,
    publicUrl: e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : undefined,
    trustProxy: e.TRUST_PROXY,
    socketMaxBufferBytes: e.SOCKET_MAX_BUFFER_BYTES,
    socketMaxRooms: e.SOCKET_MAX_ROOMS,
    publish: { queueMax: e.PUBLISH_QUEUE_MAX, maxWaitMs: e.PUBLISH_MAX_WAIT_MS, maxLagMs: e.PUBLISH_MAX_LAG_MS, batchMax: e.PUBLISH_BATCH_MAX, maxPerClient: e.PUBLISH_MAX_PER_CLIENT },
    testRuns: {
      timeoutMs: e.TEST_RUN_TIMEOUT_MS,
      concurrency: e.TEST_RUN_CONCURRENCY,
      queuePerProject: e.TEST_RUN_QUEUE_PER_PROJECT,
      logMaxBytes: e.TEST_RUN_LOG_MAX_BYTES,
      sandbox: e.TEST_RUN_SANDBOX,
      network: e.TEST_RUN_NETWORK,
      sandboxUid: e.TEST_RUN_SANDBOX_UID,
      sandboxPaths: (e.TEST_RUN_SANDBOX_PATHS ?? path.resolve("node_modules"))
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => path.resolve(s)),
      cpuSeconds: e.TEST_RUN_CPU_SECONDS,
      maxProcesses: e.TEST_RUN_MAX_PROCESSES,
      maxFileBytes: e.TEST_RUN_MAX_FILE_BYTES,
      tmpBytes: e.TEST_RUN_TMP_BYTES,
    },
    git: { allowedHosts: e.GIT_ALLOWED_HOSTS, cloneTimeoutMs: e.GIT_CLONE_TIMEOUT_MS, cloneMaxBytes: e.GIT_CLONE_MAX_BYTES },
    rateLimits: {
      connectionsPerMinute: e.RATE_LIMIT_CONNECTIONS_PER_MINUTE,
      commandsPerSecond: e.RATE_LIMIT_COMMANDS_PER_SECOND,
      restPerMinute: e.RATE_LIMIT_REST_PER_MINUTE,
      authPerMinute: e.RATE_LIMIT_AUTH_PER_MINUTE,
      webhookRefusalsPerMinute: e.RATE_LIMIT_WEBHOOK_REFUSALS_PER_MINUTE,
      signinFailuresPerAddress: e.RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS,
      signinFailuresPerAccount: e.RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT,
      signinWindowSeconds: e.RATE_LIMIT_SIGNIN_WINDOW_SECONDS,
    },
  };
}

/** The process's configuration: set by server.ts at boot, shared with route handlers through the runtime. */
export function getConfig(): AppConfig {
  return part("config", () => parseConfig());
}

export function setConfig(c: AppConfig): void {
  setPart("config", c);
}
