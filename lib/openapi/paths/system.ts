import { z } from "zod";
import { route } from "../registry";
import { ZHealthSchema, ZSocketStatsSchema } from "../../contract/admin";

route({
  method: "get",
  path: "/api/health",
  tag: "System",
  auth: false,
  summary: "Liveness and dependency checks",
  responses: {
    200: { description: "Healthy", schema: ZHealthSchema },
    503: { description: "Degraded (the database or Redis is down)" },
  },
});
route({
  method: "get",
  path: "/health",
  tag: "System",
  auth: false,
  summary: "Seed 002's health check: the same answer as GET /api/health (no sign-in, never a redirect)",
  responses: {
    200: { description: "Healthy", schema: z.object({ status: z.enum(["ok", "degraded"]), checks: z.object({ database: z.enum(["ok", "down"]), redis: z.enum(["ok", "down", "disabled"]) }) }) },
    503: { description: "Degraded (the database or Redis is down)" },
  },
});
route({
  method: "get",
  path: "/api/metrics",
  tag: "System",
  summary: "Prometheus metrics (an admin's credential, or Bearer METRICS_TOKEN)",
  responses: { 200: { description: "Prometheus text format", schema: z.string(), contentType: "text/plain" } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/websocket/stats",
  tag: "System",
  summary: "Socket.IO connections and room sizes summed over every process (admins)",
  responses: {
    200: {
      description: "Stats",
      schema: ZSocketStatsSchema,
    },
  },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/openapi.json",
  tag: "System",
  auth: false,
  summary: "This document (OpenAPI 3.1)",
  description: "Built once per process; answers 304 to a matching If-None-Match.",
  responses: {
    200: { description: "The OpenAPI document", schema: z.record(z.string(), z.unknown()) },
    304: { description: "Not modified (If-None-Match matched the ETag)" },
  },
});
route({
  method: "get",
  path: "/api/v1/asyncapi.json",
  tag: "System",
  auth: false,
  summary: "The realtime protocol (Socket.IO) as an AsyncAPI 3.0 document: commands, acks, events, rooms (rendered at /docs/realtime)",
  description: "Built once per process; answers 304 to a matching If-None-Match.",
  responses: {
    200: { description: "The AsyncAPI document", schema: z.record(z.string(), z.unknown()) },
    304: { description: "Not modified (If-None-Match matched the ETag)" },
  },
});
