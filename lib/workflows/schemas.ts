// Request bodies of the workflow routes (also used by the OpenAPI document).
import { z } from "zod";
import { WORKFLOW_STATUSES, ZWorkflowSchema, ZWorkflowStepSchema } from "../contract/workflows";

/** Lines longer than this are accepted but stored (and published) cut to this length. */
export const MAX_LINE = 2000;
/** How many logs / errors / timeline steps a workflow keeps (the newest). */
export const MAX_LOGS = 500;
export const MAX_ERRORS = 200;
export const MAX_STEPS = 200;

const line = z.string().max(100_000);
const lines = z.array(line).max(1000, "at most 1000 lines per request");

export const ZCreateWorkflowSchema = z.object({
  name: z.string().trim().min(1).max(200),
  status: z.enum(["pending", "running"]).optional().describe("pending: queued, not yet started (its first progress report starts it); default running"),
  total_steps: z.number().int().min(1).max(10_000).nullable().optional(),
});
export type TCreateWorkflow = z.infer<typeof ZCreateWorkflowSchema>;

export const ZProgressWorkflowSchema = z.object({
  progress: z.number().int().min(0).max(100),
  current_step: z.number().int().min(0).max(10_000).optional(),
  step_name: z.string().trim().min(1).max(200).optional(),
  logs: lines.optional(),
  errors: lines.optional(),
});
export type TProgressWorkflow = z.infer<typeof ZProgressWorkflowSchema>;

export const ZCompleteWorkflowSchema = z.object({ result: z.unknown().optional() });
export const ZFailWorkflowSchema = z.object({ error: z.string().trim().min(1).max(MAX_LINE * 2) });
export const ZCancelWorkflowSchema = z.object({ reason: z.string().trim().min(1).max(MAX_LINE).optional() });

export const ZListWorkflowsQuerySchema = z.object({
  status: z.enum(WORKFLOW_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.iso.datetime().optional().describe("only workflows created before this instant (the created_at of the last one of the previous page)"),
});


export { ZWorkflowSchema, ZWorkflowStepSchema };
export type TWorkflow = z.infer<typeof ZWorkflowSchema>;
