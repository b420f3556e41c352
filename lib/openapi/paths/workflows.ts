import { route } from "../registry";
import { ZWorkflowDetailSchema, ZWorkflowListResponse, ZWorkflowViewSchema as Workflow } from "../../contract/workflows";
import {
  ZCompleteWorkflowSchema,
  ZCreateWorkflowSchema,
  ZCancelWorkflowSchema,
  ZFailWorkflowSchema,
  ZListWorkflowsQuerySchema,
  ZProgressWorkflowSchema,
} from "../../workflows/schemas";

const refusals =
  "409 INVALID_TRANSITION: the workflow is already finished (completed, failed or cancelled; details {status}), or progress / current_step would go back. " +
  "400 VALIDATION_FAILED: progress outside 0–100, current_step beyond total_steps, malformed body.";

route({
  method: "post",
  path: "/api/v1/projects/{id}/workflows",
  tag: "Workflows",
  summary: "Start a workflow (members, owners); publishes workflow.started to project:<id> and workflow:<wid>",
  description: "With status pending it waits: its first progress report makes it running (that workflow.progress says status running).",
  body: ZCreateWorkflowSchema,
  bodyExample: { name: "Nightly backup", total_steps: 3 },
  responses: { 201: { description: "The workflow (status running or pending, progress 0)", schema: Workflow } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/projects/{id}/workflows",
  tag: "Workflows",
  summary: "The project's workflows, newest first (page with `before` = next_before)",
  query: ZListWorkflowsQuerySchema,
  responses: { 200: { description: "A page", schema: ZWorkflowListResponse } },
});
route({
  method: "get",
  path: "/api/v1/workflows/{id}",
  tag: "Workflows",
  summary: "A workflow with its timeline of steps, logs, errors and the events of room workflow:<id> (agent:* and workflow.*)",
  description: "Logs keep the newest 500 lines, errors 200, steps 200; lines are cut to 2000 characters. `events` holds the newest 500 events that fit in 2 MB, oldest first; subscribe to workflow:<id> with since=last_event_id to follow it live.",
  responses: {
    200: {
      description: "The workflow",
      schema: ZWorkflowDetailSchema,
    },
  },
});
route({
  method: "post",
  path: "/api/v1/workflows/{id}/progress",
  tag: "Workflows",
  summary: "Report progress, the current step and new log / error lines; publishes workflow.progress",
  description: refusals,
  body: ZProgressWorkflowSchema,
  bodyExample: { progress: 40, current_step: 2, step_name: "Uploading", logs: ["uploaded 12 of 30 files"] },
  responses: { 200: { description: "The workflow", schema: Workflow } },
  errors: [403, 409],
});
route({
  method: "post",
  path: "/api/v1/workflows/{id}/complete",
  tag: "Workflows",
  summary: "Complete a workflow (progress becomes 100); publishes workflow.completed",
  description: refusals,
  body: ZCompleteWorkflowSchema,
  bodyExample: { result: { files: 30, bytes: 1048576 } },
  responses: { 200: { description: "The workflow", schema: Workflow } },
  errors: [403, 409],
});
route({
  method: "post",
  path: "/api/v1/workflows/{id}/fail",
  tag: "Workflows",
  summary: "Fail a workflow with an error; publishes workflow.failed",
  description: refusals,
  body: ZFailWorkflowSchema,
  bodyExample: { error: "bucket not reachable" },
  responses: { 200: { description: "The workflow", schema: Workflow } },
  errors: [403, 409],
});
route({
  method: "post",
  path: "/api/v1/workflows/{id}/cancel",
  tag: "Workflows",
  summary: "Cancel a pending or running workflow (members and owners; an agent token only its own agent's); publishes workflow.cancelled to project:<id>, workflow:<wid> and the owning agent's agent:<agent id>",
  description: "409 INVALID_TRANSITION (details {status}) when it is already completed, failed or cancelled. 403 for viewers and for an agent token on another agent's workflow; 404 for a workflow the caller cannot see or an id that is not a UUID.",
  body: ZCancelWorkflowSchema,
  responses: { 200: { description: "The workflow, status cancelled, reason cancelled", schema: Workflow } },
  errors: [403, 409],
});
