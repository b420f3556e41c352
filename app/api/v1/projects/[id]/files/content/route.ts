import { authed, json, query } from "@/lib/api/handler";
import { ZFileQuerySchema } from "@/lib/vibecode/schemas";
import { getFile } from "@/lib/workspaces/service";

export const GET = authed(async (req, caller, { id }) => json(await getFile(caller, id!, query(req, ZFileQuerySchema).path)));
