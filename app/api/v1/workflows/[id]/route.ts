import { authed, json } from "@/lib/api/handler";
import { getWorkflow } from "@/lib/workflows/service";

export const GET = authed(async (_req, caller, { id }) => json(await getWorkflow(caller, id!)));
