import { authed, json, readBody } from "@/lib/api/handler";
import { ZFailWorkflowSchema } from "@/lib/workflows/schemas";
import { failWorkflow } from "@/lib/workflows/service";

export const POST = authed(async (req, caller, { id }) => json(await failWorkflow(caller, id!, (await readBody(req, ZFailWorkflowSchema)).error)));
