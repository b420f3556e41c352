import { authed, json } from "@/lib/api/handler";
import { getWorkspace } from "@/lib/workspaces/view";

export const GET = authed(async (_req, caller, { id }) => json(await getWorkspace(caller, id!)));
