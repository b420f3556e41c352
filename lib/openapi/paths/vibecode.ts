import { z } from "zod";
import { route } from "../registry";
import { ZFileQuerySchema, ZPostMessageSchema, ZSessionQuerySchema } from "../../vibecode/schemas";
import { EVENTS } from "../../realtime/events";
import { ZApplySchema } from "../../ship/schemas";

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
      schema: z.object({
        id: z.string(),
        project_id: z.string(),
        title: z.string().nullable(),
        user_id: z.string(),
        created_at: z.string(),
        branch: z.string().nullable().describe("switchboard/<8 of the id>-<slug>, made at the first prompt (its own worktree)"),
        base_branch: z.string().nullable(),
        base_commit: z.string().nullable(),
        head: z.string().nullable(),
        commits: z.array(z.object({ sha: z.string(), subject: z.string(), author: z.string(), author_email: z.string(), date: z.string() })).describe("Newest first, at most 200"),
        behind: z.number().describe("Commits of the base branch the session branch lacks"),
        pushed_commit: z.string().nullable(),
        pushed_at: z.string().nullable(),
        pull_request: z.object({ number: z.number(), url: z.string().nullable() }).nullable(),
        test_run_ids: z.array(z.string()).describe("The session's test runs (apply and test), newest first, at most 5"),
        messages: z.array(ZMessage),
        next_before: z.string().nullable(),
      }),
    },
  },
});
route({
  method: "post",
  path: "/api/v1/sessions/{id}/messages",
  tag: "Vibecode",
  summary: "Ask the LLM; the answer streams as vibecode_chunk events and ends with vibecode_response",
  body: ZPostMessageSchema,
  responses: { 202: { description: "Accepted", schema: z.object({ message_id: z.string(), trace_id: z.string(), status: z.literal("pending") }) } },
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
      schema: z.object({ month: z.string(), prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number(), messages: z.number() }),
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
