// Agents: presence (agent.* events, REST), and the work they report (agent:* events).
import { z } from "zod";

export const AGENT_STATUSES = ["online", "offline", "busy", "idle", "error"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const ZAgentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    project_ids: z.array(z.string()),
    status: z.enum(AGENT_STATUSES),
    availability: z.number().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    last_seen_at: z.string().nullable(),
    connections: z.number(),
    created_by: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "Agent" });
export type Agent = z.infer<typeof ZAgentSchema>;

/** What an agent reports per agent:* type (seed 001's shapes); unknown keys are dropped. */
const text = (max: number) => z.string().max(max);
export const AGENT_WORK_DATA = {
  "agent:thought": z.object({ content: text(100_000).min(1) }),
  "agent:tool_call": z.object({
    tool_name: text(200).min(1),
    status: text(50).min(1),
    message: text(10_000),
    arguments: z.record(z.string(), z.unknown()).optional(),
  }),
  "agent:result": z.object({
    status: text(50).min(1),
    content_type: text(100).min(1),
    content: z.union([z.string().max(500_000), z.record(z.string(), z.unknown()), z.array(z.unknown())]),
  }),
  "agent:error": z.object({ code: text(100).min(1), message: text(10_000), details: z.unknown().optional() }),
} as const;
export type AgentWorkType = keyof typeof AGENT_WORK_DATA;
export const AGENT_WORK_TYPES = Object.keys(AGENT_WORK_DATA) as AgentWorkType[];

const agentWork = z.object({ workflow_id: z.string().nullable(), agent_id: z.string().nullable() });

/** agent.connected / agent.disconnected / agent.status_changed (seed 004's shape). */
const agentPresence = z.object({
  agent_id: z.string(),
  agent_name: z.string(),
  status: z.enum(AGENT_STATUSES),
  availability: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  last_seen_at: z.string().nullable(),
  project_ids: z.array(z.string()),
  connections: z.number().optional(),
  reason: z.string().optional(),
});
export type AgentPresence = z.infer<typeof agentPresence>;

export const agentEvents = {
  "agent.status_changed": agentPresence,
  "agent.connected": agentPresence,
  "agent.disconnected": agentPresence,
  "agent:thought": AGENT_WORK_DATA["agent:thought"].extend(agentWork.shape),
  "agent:tool_call": AGENT_WORK_DATA["agent:tool_call"].extend(agentWork.shape),
  "agent:result": AGENT_WORK_DATA["agent:result"].extend(agentWork.shape),
  "agent:error": AGENT_WORK_DATA["agent:error"].extend(agentWork.shape),
} as const;

/* REST answers */
export const ZAgentListResponse = z.object({ agents: z.array(ZAgentSchema) });
export const ZPublishedResponse = z.object({ id: z.string() });
