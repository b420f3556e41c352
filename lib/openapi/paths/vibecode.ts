import { z } from "zod";
import { route } from "../registry";
import { BUDGET_REFUSAL as budgetRefusal, ZProjectUsageSchema } from "../../budgets/schemas";
import { ZFileQuerySchema, ZPostMessageSchema, ZSessionQuerySchema } from "../../vibecode/schemas";
import {
  ZFileContentSchema,
  ZFileTreeSchema,
  ZMessageAcceptedResponse,
  ZMessageSchema as ZMessage,
  ZSessionCreatedResponse,
  ZSessionListResponse,
  ZSessionSchema,
} from "../../contract/vibecode";

route({
  method: "get",
  path: "/api/v1/projects/{id}/sessions",
  tag: "Vibecode",
  summary: "The project's vibecode sessions, most recently active first",
  responses: {
    200: {
      description: "Sessions",
      schema: ZSessionListResponse,
    },
  },
});
route({
  method: "post",
  path: "/api/v1/projects/{id}/sessions",
  tag: "Vibecode",
  summary: "Start a vibecode session (members); publishes session.created",
  responses: { 201: { description: "The session", schema: ZSessionCreatedResponse } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/sessions/{id}",
  tag: "Vibecode",
  summary: "A session with its newest messages (at most `limit` ≤ 200 and 2 MB), oldest first; next_before pages back to older ones",
  query: ZSessionQuerySchema,
  responses: {
    200: {
      description: "The session",
      schema: ZSessionSchema,
    },
  },
});
route({
  method: "post",
  path: "/api/v1/sessions/{id}/messages",
  tag: "Vibecode",
  summary: "Ask the LLM; the answer streams as vibecode_chunk events and ends with vibecode_response",
  description: budgetRefusal,
  body: ZPostMessageSchema,
  responses: { 202: { description: "Accepted", schema: ZMessageAcceptedResponse } },
  errors: [403, 503],
});
for (const action of ["apply", "reject"] as const) {
  route({
    method: "post",
    path: `/api/v1/sessions/{id}/messages/{messageId}/${action}`,
    tag: "Vibecode",
    summary:
      action === "apply"
        ? "Apply a proposed patch to the workspace (a git commit); publishes patch.applied. With run_tests: true a test run of the project's command starts in the prompt's trace (test_run; test_run_error when it could not start, the patch stays applied)"
        : "Reject a proposed patch; publishes patch.rejected",
    ...(action === "apply" ? { body: z.object({ run_tests: z.boolean().optional() }) } : {}),
    responses: {
      200: {
        description: "The message",
        schema:
          action === "apply"
            ? ZMessage.extend({
                test_run: z.object({ test_run_id: z.string(), job_id: z.string(), trace_id: z.string() }).nullable().optional(),
                test_run_error: z.object({ code: z.string(), message: z.string() }).optional(),
              })
            : ZMessage,
      },
    },
    errors: [403, 409],
  });
}
route({
  method: "get",
  path: "/api/v1/projects/{id}/usage",
  tag: "Vibecode",
  summary: "Model token usage of the project this month (vibecode answers and AI reviews), per day, and its monthly budget (viewers and up)",
  responses: { 200: { description: "Usage", schema: ZProjectUsageSchema } },
});
route({
  method: "get",
  path: "/api/v1/projects/{id}/files",
  tag: "Files",
  summary: "The files of the project's workspace and its head commit",
  responses: {
    200: {
      description: "File tree",
      schema: ZFileTreeSchema,
    },
  },
});
route({
  method: "get",
  path: "/api/v1/projects/{id}/files/content",
  tag: "Files",
  summary: "One file of the workspace (text, cut to a maximum size)",
  query: ZFileQuerySchema,
  responses: {
    200: {
      description: "The file",
      schema: ZFileContentSchema,
    },
  },
});
