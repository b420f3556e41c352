// Structured logs: one pino logger per process, a part of the runtime (lib/runtime.ts: route handlers are
// bundled apart from server.ts). It owns no timer and needs no closing (pino writes synchronously to stdio). JSON lines in production and tests; pretty (pino-pretty, a devDependency) only when
// NODE_ENV=development. Errors and worse go to stderr, the rest to stdout. Every line made inside a request
// or a socket carries that context (lib/log-context.ts): request_id, user_id, project_id, trace_id.
// Secrets are never logged: the redact paths below are a second line of defence behind callers that never
// pass them (passwords, tokens, invite and reset secrets, cookies, Authorization).
import pino, { type Logger } from "pino";
import { logContext } from "./log-context";
import { part } from "./runtime";

export const REDACT_PATHS = [
  "password",
  "*.password",
  "current_password",
  "*.current_password",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
  "headers.authorization",
  "headers.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
];

function create(): Logger {
  const level = process.env.LOG_LEVEL || (process.env.NODE_ENV === "test" ? "warn" : "info");
  const options: pino.LoggerOptions = {
    level,
    base: { service: "switchboard", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    // The request/socket context of the line, when there is one.
    mixin: () => ({ ...logContext() }), // a copy: pino merges the line's fields into what mixin returns
  };
  if (process.env.NODE_ENV === "development" && process.env.LOG_FORMAT !== "json") {
    try {
      return pino({ ...options, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,service" } } });
    } catch {
      /* pino-pretty not installed (production install): JSON */
    }
  }
  return pino(
    options,
    pino.multistream(
      [
        { level: "trace", stream: process.stdout },
        { level: "error", stream: process.stderr },
      ],
      { dedupe: true },
    ),
  );
}

export const logger = (): Logger => part("logger", create);

/** A named part of the server ("realtime", "retention", …): the `component` field of its lines. */
export const log = (component: string): Logger => logger().child({ component });

/** An error as a loggable object (message, code, stack) without anything else the error carries. */
export function errInfo(e: unknown): { err: { message: string; code?: string; stack?: string } } {
  const err = e as { message?: unknown; code?: unknown; stack?: unknown } | null;
  return {
    err: {
      message: typeof err?.message === "string" ? err.message : String(e),
      ...(typeof err?.code === "string" ? { code: err.code } : {}),
      ...(typeof err?.stack === "string" ? { stack: err.stack } : {}),
    },
  };
}
