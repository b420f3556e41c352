// AppError and the one mapper from any error to the contract's JSON shape.
import { errInfo, logger } from "./logger";
import { ZodError } from "zod";

export class AppError extends Error {
  constructor(
    public code: string,
    public status: number,
    message: string,
    public details?: unknown,
    public headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what = "Resource") => new AppError("NOT_FOUND", 404, `${what} not found`);
export const forbidden = (message = "You do not have permission to do this") => new AppError("FORBIDDEN", 403, message);
export const unauthenticated = (message = "Sign in or send a valid Bearer token") =>
  new AppError("UNAUTHENTICATED", 401, message);

export function zodDetails(err: ZodError) {
  return err.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
}

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

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
    console.error("[db] unavailable:", String((err as Error)?.message ?? err).split("\n")[0]);
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
