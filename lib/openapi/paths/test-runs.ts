import { z } from "zod";
import { route } from "../registry";
import { ZCompleteRunSchema, ZCreateTestRunSchema, ZExternalResultsSchema, ZResultsQuerySchema } from "../../test-runs/schemas";

const ZTestResult = z
  .object({ seq: z.number(), name: z.string(), status: z.enum(["passed", "failed", "skipped"]), duration_ms: z.number().nullable(), error: z.string().nullable() })
  .meta({ id: "TestResult" });

const ZTestRun = z
  .object({
    id: z.string(),
    project_id: z.string(),
    job_id: z.string(),
    source: z.enum(["local", "external"]),
    name: z.string().nullable(),
    command: z.string().nullable(),
    status: z.string().describe("queued | running | cancelling | passed | failed | error | cancelled | timed_out"),
    trace_id: z.string().nullable(),
    started_by: z.string().nullable(),
    total: z.number().nullable(),
    passed: z.number(),
    failed: z.number(),
    skipped: z.number(),
    duration_ms: z.number().nullable(),
    exit_code: z.number().nullable(),
    error: z.string().nullable(),
    reader: z
      .string()
      .nullable()
      .describe(
        'What read the results of a local run: "tap", "node-spec", "vitest", "jest", "pytest", "go", "go-json", "cargo" (its output), "junit" (JUnit XML files it wrote), or both joined with "+" ("tap+junit"); null when nothing was recognised and for external runs',
      ),
    session_id: z.string().nullable().describe("The vibecode session whose worktree the run used (apply and test); null: the project's workspace"),
    branch: z.string().nullable().describe("The branch checked out when the run started"),
    commit: z.string().nullable().describe("The commit the run ran on"),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    created_at: z.string(),
  })
  .loose()
  .meta({ id: "TestRun" });

route({
  method: "get",
  path: "/api/v1/projects/{id}/test-runs",
  tag: "Test runs",
  summary: "The project's test runs, newest first",
  responses: { 200: { description: "Runs", schema: z.object({ test_runs: z.array(ZTestRun) }) } },
});
route({
  method: "post",
  path: "/api/v1/projects/{id}/test-runs",
  tag: "Test runs",
  summary:
    "Start a run: the project's test command (local, in the sandbox) or one reported by CI (external); events in job:<job_id>. 503 SANDBOX_UNAVAILABLE where the sandbox cannot start; 429 RATE_LIMITED past TEST_RUN_QUEUE_PER_PROJECT runs waiting or running",
  body: ZCreateTestRunSchema,
  responses: { 202: { description: "The run", schema: ZTestRun } },
  errors: [403, 409, 503],
});
route({
  method: "get",
  path: "/api/v1/test-runs/{id}",
  tag: "Test runs",
  summary: "One run with its first results (at most 1000 and 2 MB; results_next_after: continue with GET /test-runs/{id}/results?after=)",
  responses: { 200: { description: "The run", schema: ZTestRun.extend({ results: z.array(ZTestResult), results_next_after: z.number().nullable() }) } },
});
route({
  method: "get",
  path: "/api/v1/test-runs/{id}/results",
  tag: "Test runs",
  summary: "The run's results in order, a page at a time: after the seq given (at most `limit` ≤ 1000 and 2 MB); next_after continues, null at the end",
  query: ZResultsQuerySchema,
  responses: { 200: { description: "A page of results", schema: z.object({ test_run_id: z.string(), results: z.array(ZTestResult), next_after: z.number().nullable() }) } },
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
  responses: { 202: { description: "The run", schema: ZTestRun } },
  errors: [403, 409],
});
route({
  method: "post",
  path: "/api/v1/test-runs/{id}/results",
  tag: "Test runs",
  summary: "Report results of an external run; each publishes test_result",
  body: ZExternalResultsSchema,
  responses: { 202: { description: "Accepted", schema: z.record(z.string(), z.unknown()) } },
  errors: [403, 409],
});
route({
  method: "post",
  path: "/api/v1/test-runs/{id}/complete",
  tag: "Test runs",
  summary: "Finish an external run; publishes test_completed",
  body: ZCompleteRunSchema,
  responses: { 200: { description: "The run", schema: ZTestRun } },
  errors: [403, 409],
});
