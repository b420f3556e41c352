import { authed, json } from "@/lib/api/handler";
import { pushSession } from "@/lib/ship/service";

export const POST = authed(async (_req, caller, { id }) => json(await pushSession(caller, id!)));
