import { authed, json, readBody } from "@/lib/api/handler";
import { getPreferences, putPreferences, ZPreferencesSchema } from "@/lib/notifications/service";

export const GET = authed(async (_req, caller) => json(await getPreferences(caller)));
export const PUT = authed(async (req, caller) => json(await putPreferences(caller, await readBody(req, ZPreferencesSchema))));
