import { authed, json, query, readBody } from "@/lib/api/handler";
import { ZExternalResultsSchema, ZResultsQuerySchema } from "@/lib/test-runs/schemas";
import { listTestResults, postExternalResults } from "@/lib/test-runs/service";

// The run's results in order, a page at a time (a run may have any number of them).
export const GET = authed(async (req, caller, { id }) => json(await listTestResults(caller, id!, query(req, ZResultsQuerySchema))));

export const POST = authed(async (req, caller, { id }) => json(await postExternalResults(caller, id!, await readBody(req, ZExternalResultsSchema)), 202));
