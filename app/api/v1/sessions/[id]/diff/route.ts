import { authed, json } from "@/lib/api/handler";
import { sessionDiff } from "@/lib/vibecode/service";

export const GET = authed(async (_req, caller, { id }) => json(await sessionDiff(caller, id!)));
