// AppError and the one mapper from any error to the contract's JSON shape.
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
  const code = (err as { code?: string })?.code;
  // Prisma: record not found / unique violation surface as contract errors rather than 500s.
  if (code === "P2025") return toErrorResponse(notFound());
  if (code === "P2002") return toErrorResponse(new AppError("CONFLICT", 409, "That already exists"));
  console.error("[error]", err);
  return { status: 500, body: { error: { code: "INTERNAL", message: "Something went wrong on the server" } } };
}
