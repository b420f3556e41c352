// The one catalogue of Switchboard's realtime protocol: every server event, every client command,
// room names, the envelope. Shared by the server, the browser and the tests.
import { z } from "zod";
import { ZIdempotencyKey } from "../idempotency-key";

export const PROTOCOL_VERSION = "1.0";
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/* ---------- rooms ---------- */

export const ROOM_KINDS = ["user", "project", "agent", "workflow", "job"] as const;
export type RoomKind = (typeof ROOM_KINDS)[number] | "global";
export type ParsedRoom = { kind: RoomKind; id: string | null; name: string };

const ROOM_RE = /^(user|project|agent|workflow|job):([0-9a-fA-F-]{36})$/;

/** Parse a room name; null for anything that is not one of the contract's rooms. */
export function parseRoom(name: unknown): ParsedRoom | null {
  if (typeof name !== "string" || name.length > 100) return null;
  if (name === "global") return { kind: "global", id: null, name };
  const m = ROOM_RE.exec(name);
  if (!m) return null;
  const id = m[2]!.toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return null;
  return { kind: m[1] as RoomKind, id, name: `${m[1]}:${id}` };
}

export const rooms = {
  user: (id: string) => `user:${id}`,
  project: (id: string) => `project:${id}`,
  agent: (id: string) => `agent:${id}`,
  workflow: (id: string) => `workflow:${id}`,
  job: (id: string) => `job:${id}`,
  global: "global",
} as const;

/* ---------- envelope ---------- */

export type Envelope<T extends EventType = EventType> = {
  id: string;
  type: T;
  timestamp: string;
  source: string;
  room: string;
  trace_id: string | null;
  data: EventData<T>;
};

/* ---------- server events (persisted, replayable) ---------- */

const ZProjectSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  repository_url: z.string().nullable(),
  test_command: z.string().nullable(),
  status: z.enum(["active", "archived"]),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TProject = z.infer<typeof ZProjectSchema>;

const ZMemberSchema = z.object({
  project_id: z.string(),
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["owner", "member", "viewer"]),
  created_at: z.string(),
});
export type TMember = z.infer<typeof ZMemberSchema>;

const agentWork = z.object({ workflow_id: z.string().nullable(), agent_id: z.string().nullable() });

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

/** agent.connected / agent.disconnected / agent.status_changed (seed 004's shape). */
const agentPresence = z.object({
  agent_id: z.string(),
  agent_name: z.string(),
  status: z.enum(["online", "offline", "busy", "idle", "error"]),
  availability: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  last_seen_at: z.string().nullable(),
  project_ids: z.array(z.string()),
  connections: z.number().optional(),
  reason: z.string().optional(),
});

// workflow.*: started/completed/failed carry the whole workflow; progress carries the new state and the
// logs/errors lines of that update (GET /api/v1/workflows/{id} has all of them).
const workflowStatus = z.enum(["running", "completed", "failed"]);
/** A workflow as REST returns it (lib/workflows/schemas.ts re-exports it). */
export const ZWorkflowSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  agent_id: z.string().nullable(),
  name: z.string(),
  status: workflowStatus,
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
const workflowSummary = ZWorkflowSchema.extend({ workflow_id: z.string() });
const workflowProgress = ZWorkflowSchema.pick({ project_id: true, name: true, status: true, progress: true, current_step: true, total_steps: true, step_name: true, updated_at: true }).extend({
  workflow_id: z.string(),
  logs: z.array(z.string()),
  errors: z.array(z.string()),
});

/* pull requests, issues and pushes from GitHub webhooks (seed 004's shapes, plus number/action) */
export const ZPullRequestSchema = z.object({
  pr_id: z.string(),
  project_id: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string(),
  author: z.string(),
  branch: z.string(),
  base_branch: z.string().nullable(),
  head_sha: z.string().nullable(),
  github_url: z.string(),
  status: z.enum(["open", "closed", "merged"]),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TPullRequest = z.infer<typeof ZPullRequestSchema>;
const ZPrEventSchema = ZPullRequestSchema.extend({ action: z.string(), sender: z.string().nullable() });
export const ZIssueSchema = z.object({
  issue_id: z.string(),
  project_id: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string(),
  author: z.string(),
  github_url: z.string(),
  status: z.enum(["open", "closed", "deleted"]),
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TIssue = z.infer<typeof ZIssueSchema>;
const ZIssueEventSchema = ZIssueSchema.extend({ action: z.string(), sender: z.string().nullable() });
const ZRepoPushSchema = z.object({
  project_id: z.string(),
  repository: z.string(),
  ref: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  commit_count: z.number(),
  pusher: z.string().nullable(),
  compare_url: z.string().nullable(),
  head_commit: z.object({ id: z.string(), message: z.string(), author: z.string().nullable() }).nullable(),
});

/* AI reviews (seed 004's ai.* shapes) */
export const AI_CATEGORIES = ["optimization", "refactor", "bug_fix", "security", "performance", "maintainability"] as const;
export const ZAiSuggestionSchema = z.object({
  suggestion_id: z.string(),
  target_type: z.enum(["pr", "code"]),
  target_id: z.string(),
  category: z.enum(AI_CATEGORIES),
  title: z.string(),
  description: z.string(),
  severity: z.enum(["info", "warning", "critical"]),
  confidence: z.number().min(0).max(1),
  suggested_action: z.string(),
  metadata: z.object({ file_path: z.string().nullable().optional(), line_number: z.number().nullable().optional() }).loose(),
});
export type TAiSuggestion = z.infer<typeof ZAiSuggestionSchema>;
const ZTokenUsageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() });
const ZAiAnalysisCompleteSchema = z.object({
  review_id: z.string(),
  target_type: z.enum(["pr", "code"]),
  target_id: z.string(),
  session_id: z.string().nullable(),
  status: z.enum(["completed", "failed"]),
  summary: z.string().nullable(),
  suggestion_count: z.number(),
  model: z.string().nullable(),
  token_usage: ZTokenUsageSchema.nullable(),
  error: z.string().optional(),
});

/** Every event's name and the shape of its `data`. Later features tighten the open shapes. */
export const EVENTS = {
  "project.created": ZProjectSchema.extend({ created_by: z.string() }),
  "project.updated": ZProjectSchema.extend({ changes: z.object({ fields: z.array(z.string()) }), updated_by: z.string() }),
  "project.deleted": z.object({ id: z.string(), name: z.string(), deleted_by: z.string() }),
  "member.added": ZMemberSchema.extend({ added_by: z.string() }),
  "member.updated": ZMemberSchema.extend({ updated_by: z.string() }),
  "member.removed": z.object({ project_id: z.string(), user_id: z.string(), removed_by: z.string() }),
  "agent.status_changed": agentPresence,
  "agent.connected": agentPresence,
  "agent.disconnected": agentPresence,
  "agent:thought": AGENT_WORK_DATA["agent:thought"].extend(agentWork.shape),
  "agent:tool_call": AGENT_WORK_DATA["agent:tool_call"].extend(agentWork.shape),
  "agent:result": AGENT_WORK_DATA["agent:result"].extend(agentWork.shape),
  "agent:error": AGENT_WORK_DATA["agent:error"].extend(agentWork.shape),
  "workflow.started": workflowSummary,
  "workflow.progress": workflowProgress,
  "workflow.completed": workflowSummary,
  "workflow.failed": workflowSummary,
  "workspace.cloning": z.object({ project_id: z.string(), repository_url: z.string().nullable(), reclone: z.boolean() }),
  "workspace.ready": z.object({
    project_id: z.string(),
    repository_url: z.string().nullable(),
    default_branch: z.string().nullable(),
    head: z.string().nullable(),
    upstream_head: z.string().nullable(),
    behind: z.number(),
  }),
  "workspace.failed": z.object({ project_id: z.string(), repository_url: z.string().nullable(), error: z.string() }),
  "workspace.synced": z.object({
    project_id: z.string(),
    default_branch: z.string().nullable(),
    head: z.string().nullable(),
    upstream_head: z.string().nullable(),
    behind: z.number(),
    synced_by: z.string(),
  }),
  "project.shipping_updated": z.object({
    project_id: z.string(),
    push_credential_set: z.boolean(),
    github_token_set: z.boolean(),
    github_repository: z.string().nullable(),
    pull_request_repository: z.string().nullable(),
    fields: z.array(z.string()),
    updated_by: z.string(),
  }),
  "session.branch_created": z.object({ session_id: z.string(), branch: z.string(), base_branch: z.string(), base_commit: z.string() }),
  "session.pushed": z.object({ session_id: z.string(), branch: z.string(), commit: z.string(), remote: z.string(), pushed_by: z.string(), pushed_by_name: z.string() }),
  "session.pull_request": z.object({ session_id: z.string(), number: z.number(), url: z.string(), title: z.string(), branch: z.string(), opened_by: z.string(), opened_by_name: z.string() }),
  "session.created": z.object({ session_id: z.string(), project_id: z.string(), created_at: z.string(), user_id: z.string(), user_name: z.string() }),
  vibecode_request: z.object({ session_id: z.string(), message_id: z.string(), prompt: z.string(), user_id: z.string(), user_name: z.string(), status: z.literal("pending") }),
  vibecode_chunk: z.object({ session_id: z.string(), message_id: z.string(), seq: z.number(), offset: z.number().optional(), content: z.string() }),
  vibecode_response: z.object({
    session_id: z.string(),
    message_id: z.string(),
    reply: z.string(),
    patch: z.string().nullable(),
    files: z.array(z.object({ path: z.string(), additions: z.number(), deletions: z.number() })),
    model: z.string(),
    token_usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).nullable(),
    status: z.enum(["proposed", "answered"]),
    error: z.string().optional(),
    error_code: z.string().optional(),
  }),
  vibecode_error: z.object({ session_id: z.string(), message_id: z.string(), code: z.string(), message: z.string() }),
  "patch.applied": z.object({
    session_id: z.string(),
    message_id: z.string(),
    commit: z.string(),
    files: z.array(z.object({ path: z.string(), additions: z.number(), deletions: z.number() })),
    applied_by: z.string(),
    applied_by_name: z.string(),
  }),
  "patch.rejected": z.object({ session_id: z.string(), message_id: z.string(), rejected_by: z.string(), rejected_by_name: z.string() }),
  "test_run.created": z.object({
    test_run_id: z.string(),
    job_id: z.string(),
    status: z.string(),
    source: z.string(),
    name: z.string().nullable(),
    started_by: z.string().nullable(),
    started_by_name: z.string().nullable(),
    command: z.string().nullable(),
    /** A run in a session's worktree (apply and test). */
    session_id: z.string().nullable().optional(),
  }),
  "test_run.cancelling": z.object({ test_run_id: z.string(), job_id: z.string(), cancelled_by: z.string(), cancelled_by_name: z.string() }),
  test_started: z.object({
    test_run_id: z.string(),
    job_id: z.string(),
    total: z.number().nullable(),
    command: z.string().nullable(),
    started_by: z.string().nullable(),
    source: z.string(),
    /** The branch and commit the command runs on (local runs). */
    branch: z.string().nullable().optional(),
    commit: z.string().nullable().optional(),
    session_id: z.string().nullable().optional(),
  }),
  test_result: z.object({
    test_run_id: z.string(),
    seq: z.number(),
    name: z.string(),
    status: z.enum(["passed", "failed", "skipped"]),
    duration_ms: z.number().nullable(),
    error: z.string().optional(),
    /** What read this result from the run ("vitest", "junit", …; see the test-run section of PROTOCOL.md). */
    reader: z.string().optional(),
  }),
  test_completed: z.object({
    test_run_id: z.string(),
    job_id: z.string(),
    status: z.enum(["passed", "failed", "error", "cancelled", "timed_out"]),
    passed: z.number(),
    failed: z.number(),
    skipped: z.number(),
    total: z.number(),
    duration_ms: z.number(),
    exit_code: z.number().nullable(),
    /** What read the run's results; null when nothing did (no test output recognised, or an external run). */
    reader: z.string().nullable().optional(),
    error: z.string().optional(),
  }),
  job_progress: z.object({ job_id: z.string(), percentage: z.number().nullable(), message: z.string(), done: z.number().optional(), total: z.number().nullable().optional() }),
  job_log: z.object({ job_id: z.string(), level: z.enum(["info", "error"]), message: z.string(), lines: z.array(z.string()), timestamp: z.string() }),
  job_complete: z.object({ job_id: z.string(), result: z.record(z.string(), z.unknown()) }),
  job_error: z.object({ job_id: z.string(), error: z.string(), message: z.string() }),
  "pr.created": ZPrEventSchema,
  "pr.updated": ZPrEventSchema,
  "pr.closed": ZPrEventSchema,
  "issue.created": ZIssueEventSchema,
  "issue.updated": ZIssueEventSchema,
  "issue.closed": ZIssueEventSchema,
  "repo.push": ZRepoPushSchema,
  "ai.suggestion": ZAiSuggestionSchema.extend({ review_id: z.string(), session_id: z.string().nullable() }),
  "ai.analysis_complete": ZAiAnalysisCompleteSchema,
} as const;

export type EventType = keyof typeof EVENTS;
export type EventData<T extends EventType> = z.infer<(typeof EVENTS)[T]>;
export const isEventType = (s: unknown): s is EventType => typeof s === "string" && s in EVENTS;

/* ---------- transient server events (not in the log) ---------- */

export type ConnectionEstablished = {
  type: "connection.established";
  timestamp: string;
  data: { connection_id: string; user_id: string; protocol_version: string };
};
/** Sent just before the server disconnects a socket whose credential expired or was revoked. */
export type AuthError = { type: "auth.error"; timestamp: string; data: { code: "AUTH_FAILED"; message: string } };
export type ServerShutdown = { type: "server.shutdown"; timestamp: string; data: { reason: string } };
/** Events of other processes may have been missed (Redis was unreachable): re-subscribe each room with `since`. */
export type ServerResync = { type: "server.resync"; timestamp: string; data: { reason: string } };

/* ---------- client commands ---------- */

const roomOrProject = z
  .object({
    room: z.string().max(100).optional(),
    project_id: z.string().max(100).optional(),
  })
  .refine((v) => (v.room === undefined) !== (v.project_id === undefined), {
    message: "give exactly one of room or project_id",
  });

/** The largest event id (PostgreSQL bigint); a cursor above it is refused (400 / VALIDATION_FAILED), never a 500. */
export const MAX_EVENT_ID = 9_223_372_036_854_775_807n;
/** An event id as a cursor (`since`, `after`): 1–19 digits, at most MAX_EVENT_ID. */
export const ZEventId = z
  .string()
  .regex(/^\d{1,19}$/, "must be an event id")
  .refine((v) => !/^\d{1,19}$/.test(v) || BigInt(v) <= MAX_EVENT_ID, `must be an event id (at most ${MAX_EVENT_ID})`);
const since = z.union([ZEventId, z.number().int().nonnegative()]);

/** A mutating command's `idempotency_key` (lib/idempotency.ts): a repeat within IDEMPOTENCY_WINDOW_MS gets the first ack. */
const idempotencyKey = ZIdempotencyKey;

export const COMMANDS = {
  subscribe: z.intersection(roomOrProject, z.object({ since: since.optional() })),
  unsubscribe: roomOrProject,
  join_job: z.object({ job_id: z.string().max(100), since: since.optional() }),
  leave_job: z.object({ job_id: z.string().max(100) }),
  ping: z.object({}).loose(),
  "debug:rooms": z.object({}).loose(),
  "agent:event": z.object({
    type: z.enum(["agent:thought", "agent:tool_call", "agent:result", "agent:error"]),
    workflow_id: z.string().max(100),
    data: z.record(z.string(), z.unknown()),
    idempotency_key: idempotencyKey.optional(),
  }),
  /** Extension: an agent reports its status (agent tokens only). */
  "agent:status": z.object({
    status: z.enum(["online", "busy", "idle", "error"]),
    availability: z.number().min(0).max(100).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    idempotency_key: idempotencyKey.optional(),
  }),
  "auth:refresh": z.object({ token: z.string().min(1).max(10_000) }),
} as const;
export type CommandName = keyof typeof COMMANDS;
export type CommandPayload<C extends CommandName> = z.infer<(typeof COMMANDS)[C]>;

export const ERROR_CODES = [
  "INVALID_ROOM",
  "ROOM_ACCESS_DENIED",
  "RATE_LIMITED",
  "VALIDATION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "UNKNOWN_COMMAND",
  "FORBIDDEN",
  "AUTH_FAILED",
  "TOO_MANY_ROOMS",
  "IDEMPOTENCY_KEY_REUSED",
  "IDEMPOTENCY_IN_PROGRESS",
  "INTERNAL",
] as const;
export type CommandErrorCode = (typeof ERROR_CODES)[number];

export type AckError = { status: "error"; code: CommandErrorCode; message: string; details?: unknown };
export type Ack<T> = ({ status: "success" } & T) | AckError;

/**
 * A join's answer. With `since`: how many events were replayed, the room's newest id (everything up to it was
 * replayed or is older than since; later ones arrive live), its oldest kept id, and `reset: true` when
 * retention deleted events after `since` (the replay is partial: refetch the room's state). See docs/DELIVERY.md.
 */
export type JoinAck = { room: string; replayed: number; reset?: boolean; oldest_id?: string | null; latest_id?: string | null };

export type CommandAcks = {
  subscribe: Ack<JoinAck>;
  unsubscribe: Ack<{ room: string }>;
  join_job: Ack<JoinAck>;
  leave_job: Ack<{ room: string }>;
  ping: { status: "pong"; server_time: string } | AckError;
  "debug:rooms": { rooms: string[] } | AckError;
  "agent:event": Ack<{ id: string }>;
  "agent:status": Ack<{ agent_id: string; agent_status: string }>;
  "auth:refresh": Ack<{ expires_at: string | null }>;
};

export type ClientToServerEvents = {
  [C in CommandName]: (payload: CommandPayload<C>, ack: (res: CommandAcks[C]) => void) => void;
};

export type ServerToClientEvents = {
  [T in EventType]: (envelope: Envelope<T>) => void;
} & {
  connection_established: (e: ConnectionEstablished) => void;
  joined: (e: { job_id: string }) => void;
  server_shutdown: (e: ServerShutdown) => void;
  resync: (e: ServerResync) => void;
  auth_error: (e: AuthError) => void;
};

