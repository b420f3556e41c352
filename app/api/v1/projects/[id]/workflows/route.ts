import { authed, json, query, readBody } from "@/lib/api/handler";
import { ZCreateWorkflowSchema, ZListWorkflowsQuerySchema } from "@/lib/workflows/schemas";
import { createWorkflow, listWorkflows } from "@/lib/workflows/service";

export const GET = authed(async (req, caller, { id }) => json(await listWorkflows(caller, id!, query(req, ZListWorkflowsQuerySchema))));
export const POST = authed(async (req, caller, { id }) => json(await createWorkflow(caller, id!, await readBody(req, ZCreateWorkflowSchema)), 201));
