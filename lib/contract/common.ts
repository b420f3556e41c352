// Pieces every domain shares: protocol constants, cursors, the idempotency key, token usage, the envelope's
// REST shape. Browser-safe: zod only.
import { z } from "zod";
import type { AnyEnvelope } from "./events";

export const PROTOCOL_VERSION = "1.0";
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** The largest event id (PostgreSQL bigint); a cursor above it is refused (400 / VALIDATION_FAILED), never a 500. */
export const MAX_EVENT_ID = 9_223_372_036_854_775_807n;
/** An event id as a cursor (`since`, `after`): 1–19 digits, at most MAX_EVENT_ID. */
export const ZEventId = z
  .string()
  .regex(/^\d{1,19}$/, "must be an event id")
  .refine((v) => !/^\d{1,19}$/.test(v) || BigInt(v) <= MAX_EVENT_ID, `must be an event id (at most ${MAX_EVENT_ID})`);

export const IDEMPOTENCY_KEY_MAX = 200;
/** Printable ASCII (no control characters), 1–200 characters. */
export const IDEMPOTENCY_KEY_RE = /^[\x20-\x7e]{1,200}$/;
/** REST header Idempotency-Key, socket field idempotency_key (lib/idempotency.ts). */
export const ZIdempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY_RE, `must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters`)
  .describe("retrying with the same key within IDEMPOTENCY_WINDOW_MS returns the first result and publishes nothing new");

/** What a model call cost (vibecode replies, reviews, the usage total): declared once. */
export const ZTokenUsageSchema = z
  .object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() })
  .meta({ id: "TokenUsage" });
export type TokenUsage = z.infer<typeof ZTokenUsageSchema>;

/** One changed file of a patch. */
export const ZPatchFileSchema = z.object({ path: z.string(), additions: z.number(), deletions: z.number() });
export type PatchFile = z.infer<typeof ZPatchFileSchema>;

/** An event as REST lists return it (GET /projects/{id}/events, a workflow's events); `data` per type: ./events.ts. */
const ZEnvelopeObject = z
  .object({
    id: z.string().describe("event id (a growing integer, as a string)"),
    type: z.string(),
    timestamp: z.string(),
    source: z.string(),
    room: z.string().describe("a room name: user:<id>, project:<id>, agent:<id>, workflow:<id>, job:<id> or global"),
    trace_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "EventEnvelope" });
/** The envelope schema, typed as the discriminated union (`data` is checked per type when published, not here). */
export const ZEnvelopeSchema = ZEnvelopeObject as unknown as z.ZodType<AnyEnvelope>;
