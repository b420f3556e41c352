import { authed, json, query } from "@/lib/api/handler";
import { ZSessionQuerySchema } from "@/lib/vibecode/schemas";
import { getSession } from "@/lib/vibecode/service";

export const GET = authed(async (req, caller, { id }) => json(await getSession(caller, id!, query(req, ZSessionQuerySchema))));
