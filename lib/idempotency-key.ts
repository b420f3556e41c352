// The shape of an idempotency key (REST header Idempotency-Key, socket field idempotency_key); no
// database here, so the protocol catalogue and the OpenAPI document can import it. See lib/idempotency.ts.
import { z } from "zod";

export const IDEMPOTENCY_KEY_MAX = 200;
/** Printable ASCII (no control characters), 1–200 characters. */
export const IDEMPOTENCY_KEY_RE = /^[\x20-\x7e]{1,200}$/;
export const ZIdempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY_RE, `must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters`)
  .describe("retrying with the same key within IDEMPOTENCY_WINDOW_MS returns the first result and publishes nothing new");
