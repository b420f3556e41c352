import { authed, json } from "@/lib/api/handler";
import { cancelTestRun } from "@/lib/test-runs/service";

export const POST = authed(async (_req, caller, { id }) => json(await cancelTestRun(caller, id!), 202));
