import { authed, json, readBody } from "@/lib/api/handler";
import { ZCreateTestRunSchema } from "@/lib/test-runs/schemas";
import { listTestRuns, startTestRun } from "@/lib/test-runs/service";

export const GET = authed(async (_req, caller, { id }) => json({ test_runs: await listTestRuns(caller, id!) }));
export const POST = authed(async (req, caller, { id }) => json(await startTestRun(caller, id!, await readBody(req, ZCreateTestRunSchema)), 202));
