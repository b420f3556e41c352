import { authed, json, readBody } from "@/lib/api/handler";
import { ZCompleteWorkflowSchema } from "@/lib/workflows/schemas";
import { completeWorkflow } from "@/lib/workflows/service";

export const POST = authed(async (req, caller, { id }) => json(await completeWorkflow(caller, id!, (await readBody(req, ZCompleteWorkflowSchema)).result)));
