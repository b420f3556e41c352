import { authed, json, readBody } from "@/lib/api/handler";
import { ZCreateAgent, createAgent, listAgents } from "@/lib/agents/service";

export const GET = authed(async (_req, caller) => json({ agents: await listAgents(caller) }));

export const POST = authed(async (req, caller) => json(await createAgent(caller, await readBody(req, ZCreateAgent)), 201));
