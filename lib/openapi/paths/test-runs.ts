import { z } from "zod";
import { route } from "../registry";
import {
  ZExternalResultsResponse,
  ZTestResultsPageResponse,
  ZTestRunCancelResponse,
  ZTestRunDetailSchema,
  ZTestRunListResponse,
  ZTestRunStartedResponse,
} from "../../contract/test-runs";
import { ZCompleteRunSchema, ZCreateTestRunSchema, ZExternalResultsSchema, ZResultsQuerySchema } from "../../test-runs/schemas";

route({
  method: "get",
  path: "/api/v1/projects/{id}/test-runs",
  tag: "Test runs",
  summary: "The project's test runs, newest first",
  responses: { 200: { description: "Runs", schema: ZTestRunListResponse } },
});
route({
  method: "post",
  path: "/api/v1/projects/{id}/test-runs",
  tag: "Test runs",
  summary:
    "Start a run: the project's test command (local, in the sandbox) or one reported by CI (external); events in job:<job_id>. 503 SANDBOX_UNAVAILABLE where the sandbox cannot start; 429 RATE_LIMITED past TEST_RUN_QUEUE_PER_PROJECT runs waiting or running",
  body: ZCreateTestRunSchema,
  responses: { 202: { description: "The run's ids (its events follow in job:<job_id> and the project room)", schema: ZTestRunStartedResponse } },
  errors: [403, 409, 503],
});
route({
  method: "get",
  path: "/api/v1/test-runs/{id}",
  tag: "Test runs",
  summary: "One run with its first results (at most 1000 and 2 MB; results_next_after: continue with GET /test-runs/{id}/results?after=)",
  responses: { 200: { description: "The run", schema: ZTestRunDetailSchema } },
});
route({
  method: "get",
  path: "/api/v1/test-runs/{id}/results",
  tag: "Test runs",
  summary: "The run's results in order, a page at a time: after the seq given (at most `limit` ≤ 1000 and 2 MB); next_after continues, null at the end",
  query: ZResultsQuerySchema,
  responses: { 200: { description: "A page of results", schema: ZTestResultsPageResponse } },
});
route({
  method: "get",
  path: "/api/v1/test-runs/{id}/log",
  tag: "Test runs",
  summary: "The run's raw output",
  responses: { 200: { description: "Plain text", schema: z.string(), contentType: "text/plain" } },
});
route({
  method: "post",
  path: "/api/v1/test-runs/{id}/cancel",
  tag: "Test runs",
  summary: "Cancel a queued or running run (members); publishes test_run.cancelling",
  responses: { 202: { description: "Cancelling", schema: ZTestRunCancelResponse } },
  errors: [403, 409],
});
route({
  method: "post",
  path: "/api/v1/test-runs/{id}/results",
  tag: "Test runs",
  summary: "Report results of an external run; each publishes test_result",
  body: ZExternalResultsSchema,
  responses: { 202: { description: "Accepted: how many results, and the run's counts so far", schema: ZExternalResultsResponse } },
  errors: [403, 409],
});
route({
  method: "post",
  path: "/api/v1/test-runs/{id}/complete",
  tag: "Test runs",
  summary: "Finish an external run; publishes test_completed",
  body: ZCompleteRunSchema,
  responses: { 200: { description: "The run with its first results", schema: ZTestRunDetailSchema } },
  errors: [403, 409],
});
