// Test runs: REST shapes and the test_run.* / test_* / job_* events.
import { z } from "zod";

export const RUN_STATUSES = ["queued", "running", "cancelling", "passed", "failed", "error", "cancelled", "timed_out"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_RUN_STATUSES = ["passed", "failed", "error", "cancelled", "timed_out"] as const satisfies readonly RunStatus[];
export const RESULT_STATUSES = ["passed", "failed", "skipped"] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const ZTestResultSchema = z
  .object({ seq: z.number(), name: z.string(), status: z.enum(RESULT_STATUSES), duration_ms: z.number().nullable(), error: z.string().nullable() })
  .meta({ id: "TestResult" });
export type TestResult = z.infer<typeof ZTestResultSchema>;

export const ZTestRunSchema = z
  .object({
    id: z.string(),
    project_id: z.string(),
    job_id: z.string(),
    source: z.enum(["local", "external"]),
    name: z.string().nullable(),
    command: z.string().nullable(),
    status: z.enum(RUN_STATUSES),
    trace_id: z.string().nullable(),
    started_by: z.string().nullable(),
    started_by_name: z.string().nullable().describe("the starter's name (null: unknown or deleted user)"),
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
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "TestRun" });
export type TestRun = z.infer<typeof ZTestRunSchema>;

export const ZTestRunDetailSchema = ZTestRunSchema.extend({
  results: z.array(ZTestResultSchema),
  results_next_after: z.number().nullable(),
});
export type TestRunDetail = z.infer<typeof ZTestRunDetailSchema>;

export const testRunEvents = {
  "test_run.created": z.object({
    test_run_id: z.string(),
    job_id: z.string(),
    status: z.enum(RUN_STATUSES),
    source: z.enum(["local", "external"]),
    name: z.string().nullable(),
    started_by: z.string().nullable(),
    started_by_name: z.string().nullable(),
    command: z.string().nullable(),
  }),
  "test_run.cancelling": z.object({ test_run_id: z.string(), job_id: z.string(), cancelled_by: z.string(), cancelled_by_name: z.string() }),
  test_started: z.object({ test_run_id: z.string(), job_id: z.string(), total: z.number().nullable(), command: z.string().nullable(), started_by: z.string().nullable(), source: z.string() }),
  test_result: z.object({
    test_run_id: z.string(),
    seq: z.number(),
    name: z.string(),
    status: z.enum(RESULT_STATUSES),
    duration_ms: z.number().nullable(),
    error: z.string().optional(),
    /** What read this result from the run ("vitest", "junit", …; see the test-run section of PROTOCOL.md). */
    reader: z.string().optional(),
  }),
  test_completed: z.object({
    test_run_id: z.string(),
    job_id: z.string(),
    status: z.enum(FINISHED_RUN_STATUSES),
    passed: z.number(),
    failed: z.number(),
    skipped: z.number(),
    total: z.number(),
    duration_ms: z.number(),
    exit_code: z.number().nullable(),
    /** What read the run's results; null when nothing did (no test output recognised, or an external run). */
    reader: z.string().nullable().optional(),
    error: z.string().optional(),
  }),
  job_progress: z.object({ job_id: z.string(), percentage: z.number().nullable(), message: z.string(), done: z.number().optional(), total: z.number().nullable().optional() }),
  job_log: z.object({ job_id: z.string(), level: z.enum(["info", "error"]), message: z.string(), lines: z.array(z.string()), timestamp: z.string() }),
  job_complete: z.object({ job_id: z.string(), result: z.record(z.string(), z.unknown()) }),
  job_error: z.object({ job_id: z.string(), error: z.string(), message: z.string() }),
} as const;

/* REST answers */
export const ZTestRunListResponse = z.object({ test_runs: z.array(ZTestRunSchema) });
export const ZTestRunStartedResponse = z.object({ test_run_id: z.string(), job_id: z.string(), trace_id: z.string() });
export const ZTestRunCancelResponse = z.object({ test_run_id: z.string(), status: z.literal("cancelling") });
export const ZTestResultsPageResponse = z.object({ test_run_id: z.string(), results: z.array(ZTestResultSchema), next_after: z.number().nullable() });
export const ZExternalResultsResponse = z.object({ test_run_id: z.string(), accepted: z.number(), passed: z.number(), failed: z.number(), skipped: z.number() });
