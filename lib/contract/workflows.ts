// Workflows: REST shapes and the workflow.* events.
import { z } from "zod";
import { ZEnvelopeSchema } from "./common";

// pending → running → completed | failed | cancelled (seed 004's statuses).
export const WORKFLOW_STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;
export const FINISHED_WORKFLOW_STATUSES = ["completed", "failed", "cancelled"] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];
export type TWorkflowStatus = WorkflowStatus;

/** A workflow as REST returns it. */
export const ZWorkflowSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  agent_id: z.string().nullable(),
  name: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  progress: z.number().int().min(0).max(100),
  current_step: z.number().int(),
  total_steps: z.number().int().nullable(),
  step_name: z.string().nullable(),
  result: z.unknown(),
  error: z.string().nullable(),
  /** Why it ended failed or cancelled: `reported` (POST /fail), `stale` (no update for WORKFLOW_STALE_AFTER_MS), `cancelled`. */
  reason: z.enum(["reported", "stale", "cancelled"]).nullable(),
  cancelled_by: z.string().nullable(),
  /** When it became running (null while pending). */
  started_at: z.string().nullable(),
  /** Seconds left at the rate progress went so far (null before any progress, and once finished). */
  estimated_time_remaining: z.number().int().nonnegative().nullable(),
  /** REST only: the presence of the workflow's agent (`offline`: it went away; null: no agent). */
  agent_status: z.enum(["online", "offline", "busy", "idle", "error"]).nullable().optional(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
  /** The workflow's trace (GET /api/v1/traces/{trace_id}); null for workflows older than traces. */
  trace_id: z.string().nullable().optional(),
});
export type Workflow = z.infer<typeof ZWorkflowSchema>;
export const ZWorkflowViewSchema = ZWorkflowSchema.meta({ id: "Workflow" });

export const ZWorkflowStepSchema = z.object({ step: z.number(), name: z.string().nullable(), progress: z.number(), at: z.string() });
export type WorkflowStep = z.infer<typeof ZWorkflowStepSchema>;

export const ZWorkflowDetailSchema = ZWorkflowSchema.extend({
  steps: z.array(ZWorkflowStepSchema),
  logs: z.array(z.string()),
  errors: z.array(z.string()),
  events: z.array(ZEnvelopeSchema),
  events_truncated: z.boolean().describe("older events of the room were left out (at most 500 and 2 MB are included): replay them with since"),
  last_event_id: z.string(),
});
export type WorkflowDetail = z.infer<typeof ZWorkflowDetailSchema>;

// started/completed/failed carry the whole workflow; progress carries the new state and the logs/errors lines
// of that update (GET /api/v1/workflows/{id} has all of them).
const workflowSummary = ZWorkflowSchema.extend({ workflow_id: z.string() });
const workflowProgress = ZWorkflowSchema.pick({
  project_id: true,
  name: true,
  status: true,
  progress: true,
  current_step: true,
  total_steps: true,
  step_name: true,
  updated_at: true,
  estimated_time_remaining: true,
}).extend({
  workflow_id: z.string(),
  logs: z.array(z.string()),
  errors: z.array(z.string()),
});
/** The agent of a pending or running workflow went offline or came back. */
const workflowAgentStatus = z.object({
  workflow_id: z.string(),
  project_id: z.string(),
  agent_id: z.string(),
  agent_name: z.string(),
  agent_status: z.enum(["online", "offline", "busy", "idle", "error"]),
});

export const workflowEvents = {
  "workflow.started": workflowSummary,
  "workflow.progress": workflowProgress,
  "workflow.completed": workflowSummary,
  "workflow.failed": workflowSummary,
  "workflow.cancelled": workflowSummary.extend({ cancelled_by_name: z.string().nullable() }),
  "workflow.agent_status": workflowAgentStatus,
} as const;

/* REST answers */
export const ZWorkflowListResponse = z.object({ workflows: z.array(ZWorkflowViewSchema), next_before: z.string().nullable() });
