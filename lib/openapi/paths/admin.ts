// Admin-only routes.
import { route } from "../registry";
import { ZAdminMetricsSchema as AdminMetricsSchema } from "../../contract/admin";
import { ZAdminUsageSchema } from "../../budgets/schemas";

route({
  method: "get",
  path: "/api/v1/admin/metrics",
  summary: "Live numbers for the admin page: connections and rooms (all processes), this process's event rates, publish latency, replays, refusals, slow-client disconnects, LLM tokens, health and a throughput history",
  tag: "admin",
  responses: { 200: { description: "The numbers", schema: AdminMetricsSchema } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/admin/usage",
  summary: "Model token usage of every project this month (vibecode answers and AI reviews) with its monthly budget, heaviest first",
  tag: "admin",
  responses: { 200: { description: "Usage per project", schema: ZAdminUsageSchema } },
  errors: [403],
});
