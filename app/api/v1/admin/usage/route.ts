import { authed, json } from "@/lib/api/handler";
import { adminUsage } from "@/lib/budgets/service";

export const GET = authed(async (_req, caller) => json(await adminUsage(caller)));
