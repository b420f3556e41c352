import { authed, json, readBody } from "@/lib/api/handler";
import { ZCompleteRunSchema } from "@/lib/test-runs/schemas";
import { completeExternalRun } from "@/lib/test-runs/service";

export const POST = authed(async (req, caller, { id }) => json(await completeExternalRun(caller, id!, await readBody(req, ZCompleteRunSchema))));
