// AppError and the one mapper from any error to the contract's error shape: REST (lib/api/handler.ts), socket
// acks (toAckError, lib/realtime/handlers.ts) and the GitHub webhook all answer through toErrorResponse.
import { errInfo, logger } from "./logger";
import { ZodError, type z } from "zod";
import { ERROR_CODES, statusOf, type CommandErrorCode, type ErrorBody, type FieldError } from "./contract/errors";

export class AppError extends Error {
  constructor(
    public code: string,
    public status: number,
    message: string,
    public details?: unknown,
    public headers?: Record<string, string>,
    /** The request field this error is about (not sent over REST; a socket ack names it in `details`). */
    public field?: string,
  ) {
    super(message);
  }
}

/** An error of the contract's table (lib/contract/errors.ts): the status comes from the table. */
export const contractError = (code: string, message: string, details?: unknown, headers?: Record<string, string>) =>
  new AppError(code, statusOf(code), message, details, headers);

/** 404. With `field`: the request field that named the missing thing (a socket ack reports it as a field error). */
export const notFound = (what = "Resource", field?: string) => {
  const e = new AppError("NOT_FOUND", 404, `${what} not found`);
  if (field) e.field = field;
  return e;
};
export const forbidden = (message = "You do not have permission to do this") => new AppError("FORBIDDEN", 403, message);
export const unauthenticated = (message = "Sign in or send a valid Bearer token") =>
  new AppError("UNAUTHENTICATED", 401, message);

/** Zod issues → the contract's field errors; the field is the issue's path (under `prefix`), `root` when empty. */
export function zodDetails(err: ZodError | z.core.$ZodIssue[], opts: { prefix?: (string | number)[]; root?: string } = {}): FieldError[] {
  const issues = Array.isArray(err) ? err : err.issues;
  return issues.map((i) => ({ field: [...(opts.prefix ?? []), ...i.path.map(String)].join(".") || (opts.root ?? "(body)"), message: i.message }));
}

export type { ErrorBody };

/** Map any thrown value to {status, body}; unknown errors are logged and answered as 500 without internals. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } },
      headers: err.headers,
    };
  }
  if (err instanceof ZodError) {
    return {
      status: 400,
      body: { error: { code: "VALIDATION_FAILED", message: "The request is not valid", details: zodDetails(err) } },
    };
  }
  if (isDatabaseUnavailable(err)) {
    logger().error("[db] unavailable: " + String((err as Error)?.message ?? err).split("\n")[0]);
    return {
      status: 503,
      body: { error: { code: "DATABASE_UNAVAILABLE", message: "The database is not reachable right now; try again shortly" } },
      headers: { "Retry-After": "5" },
    };
  }
  const code = (err as { code?: string })?.code;
  // Prisma: record not found / unique violation surface as contract errors rather than 500s.
  if (code === "P2025") return toErrorResponse(notFound());
  if (code === "P2002") return toErrorResponse(new AppError("CONFLICT", 409, "That already exists"));
  logger().error(errInfo(err), "[error]");
  return { status: 500, body: { error: { code: "INTERNAL", message: "Something went wrong on the server" } } };
}

export type AckErrorBody = { status: "error"; code: CommandErrorCode; message: string; details?: unknown };
const ACK_CODES = new Set<string>(ERROR_CODES);

/**
 * The same mapping for a socket command's ack. Codes outside the commands' list become the nearest command
 * code: 403 → FORBIDDEN, 400/404 → VALIDATION_FAILED (a NOT_FOUND names its field, e.g. workflow_id,
 * taken from the error), 401 → AUTH_FAILED, anything else → INTERNAL.
 */
export function toAckError(err: unknown): AckErrorBody {
  const { status, body } = toErrorResponse(err);
  const { code, message, details } = body.error;
  const ack = (c: CommandErrorCode, d: unknown = details): AckErrorBody => ({ status: "error", code: c, message, ...(d !== undefined ? { details: d } : {}) });
  if (ACK_CODES.has(code)) return ack(code as CommandErrorCode);
  const field = err instanceof AppError ? err.field : undefined;
  if (status === 403) return ack("FORBIDDEN");
  if (status === 401) return ack("AUTH_FAILED");
  if (status === 400 || status === 404) return ack("VALIDATION_FAILED", field ? [{ field, message }] : details);
  return { status: "error", code: "INTERNAL", message: "The server could not complete this command" };
}

// Connection-level failures (not query errors): Prisma's own codes, Node socket errors, PostgreSQL's
// connection-exception / admin-shutdown classes, and pg's messages for a dropped or refused connection.
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"]);
const UNAVAILABLE_TEXT = /ECONNREFUSED|ECONNRESET|Connection terminated|Can't reach database|timeout exceeded when trying to connect|Server has closed the connection|connection is closed|DatabaseNotReachable|ConnectionClosed|SocketTimeout/i;

/** Whether an error means the database could not be reached (as opposed to a bad query). */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; meta?: unknown; kind?: unknown };
  if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.kind === "string" && /DatabaseNotReachable|ConnectionClosed|SocketTimeout|TooManyConnections/.test(e.kind)) return true;
  if (typeof e.message === "string" && UNAVAILABLE_TEXT.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.meta, depth + 1);
}
