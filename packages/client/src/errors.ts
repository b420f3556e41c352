// Errors as typed values: every failure the client reports is a SwitchboardError whose `code` is one of the
// contract's codes (lib/contract/errors.ts — REST `{error: {code, message, details}}` and socket acks
// `{status: "error", code, message, details}`) or one of the client's own (the request never got an answer).
import { isErrorCode, type ErrorCode } from "../../../lib/contract/index";

/** Failures of the client itself, never sent by the server. */
export const CLIENT_ERROR_CODES = [
  "NETWORK_ERROR", // the server could not be reached within the retry budget
  "TIMEOUT", // no answer within the time given
  "CLOSED", // the client was closed before the answer
  "QUEUE_FULL", // too many sends waiting while offline (maxQueue)
  "BAD_RESPONSE", // an answer that is not the contract's shape
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type SwitchboardErrorCode = ErrorCode | ClientErrorCode;

export class SwitchboardError<C extends SwitchboardErrorCode = SwitchboardErrorCode> extends Error {
  override readonly name = "SwitchboardError";
  constructor(
    readonly code: C,
    message: string,
    /** The contract's `details` (field errors, `{status}` of an INVALID_TRANSITION, `retry_after_ms`, …). */
    readonly details?: unknown,
    /** The HTTP status of a REST answer (undefined for socket acks and client failures). */
    readonly status?: number,
  ) {
    super(message);
  }

  /** Narrows: `if (SwitchboardError.is(e, "INVALID_TRANSITION")) e.details …`. */
  static is<C extends SwitchboardErrorCode>(e: unknown, ...codes: C[]): e is SwitchboardError<C> {
    return e instanceof SwitchboardError && (codes.length === 0 || (codes as string[]).includes(e.code));
  }
}

const MAX_MESSAGE = 2000;
const clip = (s: unknown) => String(s ?? "").slice(0, MAX_MESSAGE);

/** A REST error body (or anything else a server answered with) as a SwitchboardError. */
export function fromRestError(status: number, body: unknown): SwitchboardError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (e && isErrorCode(e.code)) return new SwitchboardError(e.code, clip(e.message), e.details, status);
  return new SwitchboardError("BAD_RESPONSE", `HTTP ${status} without a contract error body`, undefined, status);
}

/** A socket error ack as a SwitchboardError. */
export function fromAck(ack: unknown): SwitchboardError {
  const a = ack as { code?: unknown; message?: unknown; details?: unknown } | null;
  if (a && isErrorCode(a.code)) return new SwitchboardError(a.code, clip(a.message), a.details);
  return new SwitchboardError("BAD_RESPONSE", "An acknowledgement that is not the contract's shape");
}
