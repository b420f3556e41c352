import { authed, json } from "@/lib/api/handler";
import { projectUsage } from "@/lib/budgets/service";

export const GET = authed(async (_req, caller, { id }) => json(await projectUsage(caller, id!)));
