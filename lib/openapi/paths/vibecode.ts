import { z } from "zod";
import { route } from "../registry";
import { BUDGET_REFUSAL as budgetRefusal, ZProjectUsageSchema } from "../../budgets/schemas";
import { ZFileQuerySchema, ZPostMessageSchema, ZSessionQuerySchema } from "../../vibecode/schemas";
import { EVENTS } from "../../realtime/events";

const ZPatchFile = z.object({ path: z.string(), additions: z.number(), deletions: z.number() });
const ZTokenUsage = EVENTS.vibecode_response.shape.token_usage;

const ZMessage = z
  .object({
    id: z.string(),
    session_id: z.string(),
    user_id: z.string(),
    user_name: z.string().nullable(),
    prompt: z.string(),
    reply: z
      .string()
      .nullable()
      .describe(
        "The answer. While status is streaming: the text streamed so far (vibecode_chunk events whose offset + content length exceeds its length continue it)",
      ),
    patch: z.string().nullable(),
    files: z.array(ZPatchFile),
    status: z.string().describe("pending | streaming | proposed | answered | applied | rejected | failed"),
    error: z.string().nullable(),
    trace_id: z.string().nullable(),
    model: z.string().nullable(),
    token_usage: ZTokenUsage,
    commit_sha: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_by_name: z.string().nullable(),
    workflow_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Message" });

route({
  method: "get",
  path: "/api/v1/projects/{id}/sessions",
  tag: "Vibecode",
  summary: "The project's vibecode sessions, most recently active first",
  responses: {
    200: {
      description: "Sessions",
      schema: z.object({
        sessions: z.array(
          z.object({
            id: z.string(),
            project_id: z.string(),
            title: z.string().nullable(),
            user_id: z.string(),
            user_name: z.string(),
            message_count: z.number(),
            created_at: z.string(),
            updated_at: z.string(),
          }),
        ),
      }),
    },
  },
});
route({
  method: "post",
  path: "/api/v1/projects/{id}/sessions",
  tag: "Vibecode",
  summary: "Start a vibecode session (members); publishes session.created",
  responses: { 201: { description: "The session", schema: z.object({ session_id: z.string(), project_id: z.string(), created_at: z.string() }) } },
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
      schema: z.object({ id: z.string(), project_id: z.string(), title: z.string().nullable(), user_id: z.string(), created_at: z.string(), messages: z.array(ZMessage), next_before: z.string().nullable() }),
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
  responses: { 202: { description: "Accepted", schema: z.object({ message_id: z.string(), trace_id: z.string(), status: z.literal("pending") }) } },
  errors: [403, 503],
});
for (const action of ["apply", "reject"] as const) {
  route({
    method: "post",
    path: `/api/v1/sessions/{id}/messages/{messageId}/${action}`,
    tag: "Vibecode",
    summary: action === "apply" ? "Apply a proposed patch to the workspace (a git commit); publishes patch.applied" : "Reject a proposed patch; publishes patch.rejected",
    responses: { 200: { description: "The message", schema: ZMessage } },
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
      schema: z.object({
        files: z.array(z.object({ path: z.string(), size: z.number() })).describe("at most 20,000 paths and 2 MB, in path order"),
        truncated: z.boolean(),
        total_files: z.number(),
        head: z.object({ sha: z.string(), subject: z.string(), author: z.string(), date: z.string() }).nullable(),
      }),
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
      schema: z.object({ path: z.string(), size: z.number(), binary: z.boolean(), truncated: z.boolean(), content: z.string().nullable() }),
    },
  },
});
