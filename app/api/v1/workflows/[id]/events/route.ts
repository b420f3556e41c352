import { authed, json, readBody } from "@/lib/api/handler";
import { ZAgentEventBody, publishAgentEvent } from "@/lib/agents/events";

// Agent tokens only (as the agent:event socket command): 403 FORBIDDEN for any other credential.
export const POST = authed(async (req, caller, { id }) => {
  const body = await readBody(req, ZAgentEventBody);
  return json(await publishAgentEvent(caller, id!, body.type, body.data), 202);
});
