import { authed, json } from "@/lib/api/handler";
import { syncWorkspace } from "@/lib/workspaces/view";

export const POST = authed(async (_req, caller, { id }) => json(await syncWorkspace(caller, id!)));
