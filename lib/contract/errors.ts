// Every error code of the contract with its HTTP status, in one table. REST answers `{error: {code, message,
// details?}}` with this status; socket acks answer `{status: "error", code, message, details?}` with the codes
// marked `ack` (a REST-only code reaching an ack is mapped by lib/errors.ts toAckError).
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, ack: true },
  PATH_OUTSIDE_WORKSPACE: { status: 400, ack: false },
  UNAUTHENTICATED: { status: 401, ack: false },
  INVALID_CREDENTIALS: { status: 401, ack: false },
  INVALID_SIGNATURE: { status: 401, ack: false },
  AUTH_FAILED: { status: 401, ack: true },
  FORBIDDEN: { status: 403, ack: true },
  ORIGIN_NOT_ALLOWED: { status: 403, ack: false },
  SIGNUP_DISABLED: { status: 403, ack: false },
  ACCOUNT_DISABLED: { status: 403, ack: false },
  CURRENT_PASSWORD_WRONG: { status: 403, ack: false },
  INVITE_INVALID: { status: 400, ack: false },
  RESET_INVALID: { status: 400, ack: false },
  USER_NOT_FOUND: { status: 404, ack: false },
  LAST_ADMIN: { status: 409, ack: false },
  CANNOT_DISABLE_SELF: { status: 409, ack: false },
  ROOM_ACCESS_DENIED: { status: 403, ack: true },
  NOT_FOUND: { status: 404, ack: false },
  INVALID_ROOM: { status: 400, ack: true },
  UNKNOWN_COMMAND: { status: 400, ack: true },
  TOO_MANY_ROOMS: { status: 429, ack: true },
  CONFLICT: { status: 409, ack: false },
  EMAIL_TAKEN: { status: 409, ack: false },
  INVALID_TRANSITION: { status: 409, ack: false },
  LAST_OWNER: { status: 409, ack: false },
  NO_PATCH: { status: 409, ack: false },
  NO_TEST_COMMAND: { status: 409, ack: false },
  PATCH_CONFLICT: { status: 409, ack: false },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, ack: true },
  PAYLOAD_TOO_LARGE: { status: 413, ack: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, ack: false },
  IDEMPOTENCY_KEY_REUSED: { status: 422, ack: true },
  RATE_LIMITED: { status: 429, ack: true },
  BUDGET_EXCEEDED: { status: 429, ack: false },
  INTERNAL: { status: 500, ack: true },
  DATABASE_UNAVAILABLE: { status: 503, ack: false },
  OVERLOADED: { status: 503, ack: true },
  SANDBOX_UNAVAILABLE: { status: 503, ack: false },
  LLM_NOT_CONFIGURED: { status: 503, ack: false },
  WEBHOOK_NOT_CONFIGURED: { status: 503, ack: false },
} as const satisfies Record<string, { status: number; ack: boolean }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODE_LIST = Object.keys(ERRORS) as ErrorCode[];
export const isErrorCode = (s: unknown): s is ErrorCode => typeof s === "string" && Object.hasOwn(ERRORS, s);

/** The codes a socket command's ack may carry (docs/PROTOCOL.md, "Commands"). */
export const ERROR_CODES = [
  "INVALID_ROOM",
  "ROOM_ACCESS_DENIED",
  "RATE_LIMITED",
  "OVERLOADED",
  "VALIDATION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "UNKNOWN_COMMAND",
  "FORBIDDEN",
  "AUTH_FAILED",
  "TOO_MANY_ROOMS",
  "IDEMPOTENCY_KEY_REUSED",
  "IDEMPOTENCY_IN_PROGRESS",
  "INTERNAL",
] as const satisfies readonly ErrorCode[];
export type CommandErrorCode = (typeof ERROR_CODES)[number];

/** One field's complaint in `details` of a VALIDATION_FAILED (and a NOT_FOUND that names the field). */
export type FieldError = { field: string; message: string };
export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/** The HTTP status of a code (500 for a code not in the table). */
export const statusOf = (code: string): number => (isErrorCode(code) ? ERRORS[code].status : 500);
