// Agents and their presence (lib/agents/service.ts), agent work events (lib/agents/events.ts).
import { route } from "../registry";
import { ZAgentStatus, ZCreateAgent } from "@/lib/agents/service";
import { ZAgentEventBody } from "@/lib/agents/events";
import { ZAgentListResponse, ZAgentSchema, ZPublishedResponse } from "@/lib/contract/agents";

const Agent = ZAgentSchema;
const Agents = ZAgentListResponse;

route({
  method: "post",
  path: "/api/v1/agents",
  summary: "Register an agent serving projects the caller is a member of; then create its token with POST /tokens {kind: 'agent', agent_id}",
  tag: "agents",
  body: ZCreateAgent,
  responses: { 201: { description: "The agent", schema: Agent } },
  errors: [403],
});
route({ method: "get", path: "/api/v1/agents", summary: "Agents the caller can see, with presence", tag: "agents", responses: { 200: { description: "Agents", schema: Agents } } });
route({ method: "get", path: "/api/v1/agents/{id}", summary: "One agent with its presence", tag: "agents", responses: { 200: { description: "The agent", schema: Agent } } });
route({
  method: "delete",
  path: "/api/v1/agents/{id}",
  summary: "Delete an agent (its creator or an admin); its tokens go with it and its sockets are disconnected",
  tag: "agents",
  responses: { 204: { description: "Deleted" } },
  errors: [403],
});
route({
  method: "put",
  path: "/api/v1/agents/{id}/status",
  summary: "Extension: the agent itself (its agent token) reports status busy/idle/error/online, availability and metadata; publishes agent.status_changed",
  tag: "agents",
  body: ZAgentStatus,
  responses: { 200: { description: "The agent", schema: Agent } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/projects/{id}/agents",
  summary: "Agents serving a project, with presence",
  tag: "agents",
  responses: { 200: { description: "Agents", schema: Agents } },
});
route({
  method: "post",
  path: "/api/v1/workflows/{id}/events",
  summary: "An agent (agent token only) reports agent:thought/tool_call/result/error; stamped, redacted, fanned out to the project and workflow rooms",
  tag: "agents",
  body: ZAgentEventBody,
  responses: { 202: { description: "Published", schema: ZPublishedResponse } },
  errors: [403],
});
