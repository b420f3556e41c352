import { authed, json, readBody } from "@/lib/api/handler";
import { ZProgressWorkflowSchema } from "@/lib/workflows/schemas";
import { reportProgress } from "@/lib/workflows/service";

export const POST = authed(async (req, caller, { id }) => json(await reportProgress(caller, id!, await readBody(req, ZProgressWorkflowSchema))));
