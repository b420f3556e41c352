import { authed, json, readBody } from "@/lib/api/handler";
import { ZAgentStatus, getAgent, setAgentStatus } from "@/lib/agents/service";

// Extension: an agent (its own agent token) reports busy/idle/error/online, availability and metadata.
export const PUT = authed(async (req, caller, { id }) => {
  await getAgent(caller, id!); // 404 for an unknown or invisible agent
  return json(await setAgentStatus(caller, id!, await readBody(req, ZAgentStatus)));
});
