import { authed, json } from "@/lib/api/handler";
import { getFileTree } from "@/lib/workspaces/service";

export const GET = authed(async (_req, caller, { id }) => json(await getFileTree(caller, id!)));
