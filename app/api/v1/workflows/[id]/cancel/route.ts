import { authed, json, readBody } from "@/lib/api/handler";
import { ZCancelWorkflowSchema } from "@/lib/workflows/schemas";
import { cancelWorkflow } from "@/lib/workflows/service";

export const POST = authed(async (req, caller, { id }) => json(await cancelWorkflow(caller, id!, (await readBody(req, ZCancelWorkflowSchema)).reason)));
