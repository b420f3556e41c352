import { authed, json } from "@/lib/api/handler";
import { getTestRun } from "@/lib/test-runs/service";

export const GET = authed(async (_req, caller, { id }) => json(await getTestRun(caller, id!)));
