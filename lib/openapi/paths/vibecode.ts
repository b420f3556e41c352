import { z } from "zod";
import { route } from "../registry";
import { ZFileQuerySchema, ZPostMessageSchema, ZSessionQuerySchema } from "../../vibecode/schemas";
import {
  ZFileContentSchema,
  ZFileTreeSchema,
  ZMessageAcceptedResponse,
  ZMessageSchema as ZMessage,
  ZSessionCreatedResponse,
  ZSessionListResponse,
  ZSessionSchema,
  ZUsageSchema,
} from "../../contract/vibecode";
import { ZApplySchema } from "../../ship/schemas";

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
  body: ZPostMessageSchema,
  responses: { 202: { description: "Accepted", schema: ZMessageAcceptedResponse } },
  errors: [403, 503],
});
route({
  method: "post",
  path: "/api/v1/sessions/{id}/messages/{messageId}/apply",
  tag: "Vibecode",
  summary:
    "Apply a proposed patch: a commit on the session's branch authored by the caller; publishes patch.applied. With run_tests: true, then runs the project's tests in the session's worktree (test_run_id in the answer; 409 NO_TEST_COMMAND first when there is no test command)",
  body: ZApplySchema,
  responses: { 200: { description: "The message (with test_run_id and job_id when run_tests)", schema: ZMessage.extend({ test_run_id: z.string().optional(), job_id: z.string().optional() }) } },
  errors: [403, 409, 503],
});
route({
  method: "post",
  path: "/api/v1/sessions/{id}/messages/{messageId}/reject",
  tag: "Vibecode",
  summary: "Reject a proposed patch; publishes patch.rejected",
  responses: { 200: { description: "The message", schema: ZMessage } },
  errors: [403, 409],
});
route({
  method: "get",
  path: "/api/v1/projects/{id}/usage",
  tag: "Vibecode",
  summary: "LLM token usage of the project this month",
  responses: {
    200: {
      description: "Usage",
      schema: ZUsageSchema,
    },
  },
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
