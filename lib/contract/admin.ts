// Instance-wide numbers for admins (GET /api/v1/admin/metrics), health, connection stats.
import { z } from "zod";

export const ZAdminMetricsSchema = z.object({
  generated_at: z.string(),
  scope: z.object({ connections: z.enum(["cluster", "this_process"]), counters: z.literal("this_process") }),
  connections: z.number().int(),
  rooms: z.number().int().describe("rooms with at least one member (excluding user: rooms)"),
  events: z.object({
    published_total: z.number(),
    delivered_total: z.number(),
    published_per_second: z.number(),
    delivered_per_second: z.number(),
    replayed_total: z.number(),
  }),
  publish_latency_ms: z.object({ p50: z.number().nullable(), p99: z.number().nullable(), count: z.number() }),
  rate_limit_refusals: z.record(z.string(), z.number()).describe("refusals by kind; `overload`: publishes refused with 503 OVERLOADED"),
  publish_queue: z
    .object({
      depth: z.number().int().describe("publishes (agent events, mutating REST requests) admitted and not yet answered"),
      limit: z.number().int().describe("past this depth new ones are refused now: PUBLISH_MAX_WAIT_MS of work at the backlogged answer rate (REST and agent events each), at most PUBLISH_QUEUE_MAX each"),
      rate_per_s: z.number().describe("publishes answered per second (recent average)"),
      wait_ms: z.number().describe("the slowest answer of the last 100 ms (decaying); past PUBLISH_MAX_WAIT_MS with 32 in flight new ones are refused"),
      lag_ms: z.number().describe("event-loop lag (recent worst, decaying)"),
    })
    .describe("this process's publish admission (lib/realtime/overload.ts)"),
  slow_client_disconnects: z.number(),
  resyncs: z.number(),
  llm_tokens: z.record(z.string(), z.number()),
  health: z.object({ database: z.enum(["ok", "down"]), redis: z.enum(["ok", "down", "disabled"]) }),
  memory: z.object({ rss_bytes: z.number(), heap_used_bytes: z.number() }),
  throughput: z.array(z.object({ t: z.string(), published_per_second: z.number(), delivered_per_second: z.number() })),
});
export type AdminMetrics = z.infer<typeof ZAdminMetricsSchema>;

export const ZHealthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  checks: z.object({ database: z.enum(["ok", "down"]), redis: z.enum(["ok", "down", "disabled"]) }),
});
export const ZSocketStatsSchema = z.object({ connections: z.number(), rooms: z.record(z.string(), z.number()), partial: z.literal(true).optional() });
