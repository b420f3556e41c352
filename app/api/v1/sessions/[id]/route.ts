import { authed, json } from "@/lib/api/handler";
import { getSession } from "@/lib/vibecode/service";

export const GET = authed(async (_req, caller, { id }) => json(await getSession(caller, id!)));
