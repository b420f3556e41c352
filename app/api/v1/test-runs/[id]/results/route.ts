import { authed, json, readBody } from "@/lib/api/handler";
import { ZExternalResultsSchema } from "@/lib/test-runs/schemas";
import { postExternalResults } from "@/lib/test-runs/service";

export const POST = authed(async (req, caller, { id }) => json(await postExternalResults(caller, id!, await readBody(req, ZExternalResultsSchema)), 202));
