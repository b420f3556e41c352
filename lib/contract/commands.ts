// Socket commands (client → server), their payloads and their acks, and the socket's typed event maps.
import { z } from "zod";
import { ZEventId, ZIdempotencyKey } from "./common";
import { AGENT_WORK_TYPES, type AgentWorkType } from "./agents";
import type { CommandErrorCode } from "./errors";
import type { AuthError, ConnectionEstablished, Envelope, EventType, ServerResync, ServerShutdown } from "./events";

const roomOrProject = z
  .object({
    room: z.string().max(100).optional(),
    project_id: z.string().max(100).optional(),
  })
  .refine((v) => (v.room === undefined) !== (v.project_id === undefined), {
    message: "give exactly one of room or project_id",
  });

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
  // seed 001 names the workflow `workflowId`: accepted as an alias (one of the two is required; both must agree).
  "agent:event": z
    .object({
      type: z.enum(AGENT_WORK_TYPES as [AgentWorkType, ...AgentWorkType[]]),
      workflow_id: z.string().max(100).optional(),
      workflowId: z.string().max(100).optional(),
      data: z.record(z.string(), z.unknown()),
      idempotency_key: idempotencyKey.optional(),
    })
    .refine((v) => v.workflow_id !== undefined || v.workflowId !== undefined, { message: "give workflow_id (or its alias workflowId)", path: ["workflow_id"] })
    .refine((v) => v.workflow_id === undefined || v.workflowId === undefined || v.workflow_id === v.workflowId, {
      message: "workflow_id and workflowId name different workflows",
      path: ["workflowId"],
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
