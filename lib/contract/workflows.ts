// Workflows: REST shapes and the workflow.* events.
import { z } from "zod";
import { ZEnvelopeSchema } from "./common";

export const WORKFLOW_STATUSES = ["running", "completed", "failed"] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

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
  created_by: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
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
const workflowProgress = ZWorkflowSchema.pick({ project_id: true, name: true, status: true, progress: true, current_step: true, total_steps: true, step_name: true, updated_at: true }).extend({
  workflow_id: z.string(),
  logs: z.array(z.string()),
  errors: z.array(z.string()),
});

export const workflowEvents = {
  "workflow.started": workflowSummary,
  "workflow.progress": workflowProgress,
  "workflow.completed": workflowSummary,
  "workflow.failed": workflowSummary,
} as const;

/* REST answers */
export const ZWorkflowListResponse = z.object({ workflows: z.array(ZWorkflowViewSchema), next_before: z.string().nullable() });
