import { authed, json } from "@/lib/api/handler";
import { listProjectAgents } from "@/lib/agents/service";

export const GET = authed(async (_req, caller, { id }) => json({ agents: await listProjectAgents(caller, id!) }));
