// Vibecode: sessions, messages (prompt → reply / patch), usage, workspace files; session.* / vibecode_* / patch.* events.
import { z } from "zod";
import { ZProjectUsageSchema } from "./usage";
import { ZPatchFileSchema, ZTokenUsageSchema } from "./common";

export const MESSAGE_STATUSES = ["pending", "streaming", "proposed", "answered", "applied", "rejected", "failed"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const ZMessageSchema = z
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
    files: z.array(ZPatchFileSchema),
    status: z.enum(MESSAGE_STATUSES),
    error: z.string().nullable(),
    trace_id: z.string().nullable(),
    model: z.string().nullable(),
    token_usage: ZTokenUsageSchema.nullable(),
    commit_sha: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_by_name: z.string().nullable(),
    workflow_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Message" });
export type Message = z.infer<typeof ZMessageSchema>;

export const ZSessionSummarySchema = z.object({
  id: z.string(),
  project_id: z.string(),
  title: z.string().nullable(),
  user_id: z.string(),
  user_name: z.string(),
  message_count: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SessionSummary = z.infer<typeof ZSessionSummarySchema>;

export const ZSessionSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  title: z.string().nullable(),
  user_id: z.string(),
  created_at: z.string(),
  messages: z.array(ZMessageSchema),
  next_before: z.string().nullable(),
});
export type Session = z.infer<typeof ZSessionSchema>;

/** GET /projects/{id}/usage (lib/contract/usage.ts). */
export const ZUsageSchema = ZProjectUsageSchema;
export type Usage = z.infer<typeof ZUsageSchema>;

export const ZWorkspaceFileSchema = z.object({ path: z.string(), size: z.number() });
export type WorkspaceFile = z.infer<typeof ZWorkspaceFileSchema>;
export const ZHeadCommitSchema = z.object({ sha: z.string(), subject: z.string(), author: z.string(), date: z.string() });
export type HeadCommit = z.infer<typeof ZHeadCommitSchema>;
export const ZFileTreeSchema = z.object({
  files: z.array(ZWorkspaceFileSchema).describe("at most 20,000 paths and 2 MB, in path order"),
  truncated: z.boolean(),
  total_files: z.number(),
  head: ZHeadCommitSchema.nullable(),
});
export type FileTree = z.infer<typeof ZFileTreeSchema>;
export const ZFileContentSchema = z.object({ path: z.string(), size: z.number(), binary: z.boolean(), truncated: z.boolean(), content: z.string().nullable() });
export type FileContent = z.infer<typeof ZFileContentSchema>;

export const vibecodeEvents = {
  "session.created": z.object({ session_id: z.string(), project_id: z.string(), created_at: z.string(), user_id: z.string(), user_name: z.string() }),
  vibecode_request: z.object({ session_id: z.string(), message_id: z.string(), prompt: z.string(), user_id: z.string(), user_name: z.string(), status: z.literal("pending") }),
  vibecode_chunk: z.object({ session_id: z.string(), message_id: z.string(), seq: z.number(), offset: z.number().optional(), content: z.string() }),
  vibecode_response: z.object({
    session_id: z.string(),
    message_id: z.string(),
    reply: z.string(),
    patch: z.string().nullable(),
    files: z.array(ZPatchFileSchema),
    model: z.string(),
    token_usage: ZTokenUsageSchema.nullable(),
    status: z.enum(["proposed", "answered"]),
    error: z.string().optional(),
    error_code: z.string().optional(),
  }),
  vibecode_error: z.object({ session_id: z.string(), message_id: z.string(), code: z.string(), message: z.string() }),
  "patch.applied": z.object({
    session_id: z.string(),
    message_id: z.string(),
    commit: z.string(),
    files: z.array(ZPatchFileSchema),
    applied_by: z.string(),
    applied_by_name: z.string(),
  }),
  "patch.rejected": z.object({ session_id: z.string(), message_id: z.string(), rejected_by: z.string(), rejected_by_name: z.string() }),
} as const;

/* REST answers */
export const ZSessionListResponse = z.object({ sessions: z.array(ZSessionSummarySchema) });
export const ZSessionCreatedResponse = z.object({ session_id: z.string(), project_id: z.string(), created_at: z.string() });
export const ZMessageAcceptedResponse = z.object({ message_id: z.string(), trace_id: z.string(), status: z.literal("pending") });
