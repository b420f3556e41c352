// The socket's shapes that lib/contract declares as TypeScript types only (command acks, the transient server
// events, connect errors), as zod schemas for the AsyncAPI document. Each one is checked against the contract's
// type at compile time (`npm run typecheck` fails when the two drift apart), so the document cannot lie about them.
import { z } from "zod";
import {
  ERROR_CODES,
  type AuthError,
  type CommandAcks,
  type CommandErrorCode,
  type CommandName,
  type ConnectionEstablished,
  type EventType,
  type ServerResync,
  type ServerShutdown,
  type ServerToClientEvents,
} from "../contract";

/** A and B accept the same values (both directions assignable). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(ok: Same<A, B>) => ok;

const iso = z.string().describe("ISO-8601 UTC timestamp");
const eventId = z.string().describe("an event id (a growing integer, as a string); usable as `since`");

/* ---------- command acks (success part) ---------- */

const joinAck = z.object({
  status: z.literal("success"),
  room: z.string().describe("the room joined, normalised (`project:<uuid>`, …)"),
  replayed: z.number().int().nonnegative().describe("events of the room after `since` sent before this ack, in order"),
  reset: z.boolean().optional().describe("with `since`: true when retention deleted events after `since` (the replay is partial: refetch the room's state)"),
  oldest_id: eventId.nullable().optional().describe("with `since`: the oldest event the room still keeps (null: none)"),
  latest_id: eventId.nullable().optional().describe("the room's newest event id when it was joined (null: it never had one): the `since` of the next re-join"),
});
const leaveAck = z.object({ status: z.literal("success"), room: z.string() });

export const ACK_SUCCESS = {
  subscribe: joinAck,
  unsubscribe: leaveAck,
  join_job: joinAck,
  leave_job: leaveAck,
  ping: z.object({ status: z.literal("pong"), server_time: iso }),
  "debug:rooms": z.object({ rooms: z.array(z.string()).describe("this socket's contract rooms") }),
  "agent:event": z.object({ status: z.literal("success"), id: eventId.describe("the id of the event in the project room") }),
  "agent:status": z.object({ status: z.literal("success"), agent_id: z.string(), agent_status: z.string() }),
  "auth:refresh": z.object({ status: z.literal("success"), expires_at: iso.nullable().describe("when the new credential expires (null: never)") }),
} as const satisfies Record<CommandName, z.ZodType>;

type Success<C extends CommandName> = Exclude<CommandAcks[C], { status: "error" }>;
export const _acksMatchTheContract = [
  same<z.infer<(typeof ACK_SUCCESS)["subscribe"]>, Success<"subscribe">>(true),
  same<z.infer<(typeof ACK_SUCCESS)["unsubscribe"]>, Success<"unsubscribe">>(true),
  same<z.infer<(typeof ACK_SUCCESS)["join_job"]>, Success<"join_job">>(true),
  same<z.infer<(typeof ACK_SUCCESS)["leave_job"]>, Success<"leave_job">>(true),
  same<z.infer<(typeof ACK_SUCCESS)["ping"]>, Success<"ping">>(true),
  same<z.infer<(typeof ACK_SUCCESS)["debug:rooms"]>, Success<"debug:rooms">>(true),
  same<z.infer<(typeof ACK_SUCCESS)["agent:event"]>, Success<"agent:event">>(true),
  same<z.infer<(typeof ACK_SUCCESS)["agent:status"]>, Success<"agent:status">>(true),
  same<z.infer<(typeof ACK_SUCCESS)["auth:refresh"]>, Success<"auth:refresh">>(true),
];

/** What any command's ack may carry: the rate limit, a payload that is not an object or is over 1 MB, a crash. */
const ANY_COMMAND: CommandErrorCode[] = ["VALIDATION_FAILED", "PAYLOAD_TOO_LARGE", "RATE_LIMITED", "INTERNAL"];
const IDEMPOTENT: CommandErrorCode[] = ["IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_IN_PROGRESS"];
const JOIN: CommandErrorCode[] = ["INVALID_ROOM", "ROOM_ACCESS_DENIED", "TOO_MANY_ROOMS"];

/** The error codes each command's ack can carry (lib/realtime/handlers.ts, lib/agents/socket.ts; docs/PROTOCOL.md "Client commands"). */
export const COMMAND_ERRORS: Record<CommandName, readonly CommandErrorCode[]> = {
  subscribe: [...JOIN, ...ANY_COMMAND],
  unsubscribe: ["INVALID_ROOM", ...ANY_COMMAND],
  join_job: [...JOIN, ...ANY_COMMAND],
  leave_job: ["INVALID_ROOM", ...ANY_COMMAND],
  ping: ANY_COMMAND,
  "debug:rooms": ANY_COMMAND,
  "agent:event": ["FORBIDDEN", ...IDEMPOTENT, ...ANY_COMMAND],
  "agent:status": ["FORBIDDEN", ...IDEMPOTENT, ...ANY_COMMAND],
  "auth:refresh": ["AUTH_FAILED", ...ANY_COMMAND],
};

/** An error ack carrying one of `codes`. */
export const ackError = (codes: readonly CommandErrorCode[]) =>
  z.object({
    status: z.literal("error"),
    code: z.enum(codes as [CommandErrorCode, ...CommandErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional().describe("VALIDATION_FAILED: [{field, message}] per field; TOO_MANY_ROOMS: {max_rooms}; RATE_LIMITED: {retry_after_ms}"),
  });
same<z.infer<ReturnType<typeof ackError>>["code"], CommandErrorCode>(true);
export const ALL_ACK_ERROR_CODES = ERROR_CODES;

/* ---------- transient server events (not in the log, not replayable) ---------- */

export const TRANSIENT_EVENTS = {
  connection_established: z.object({
    type: z.literal("connection.established"),
    timestamp: iso,
    data: z.object({ connection_id: z.string(), user_id: z.string(), protocol_version: z.string().describe("\"1.0\"") }),
  }),
  joined: z.object({ job_id: z.string() }),
  server_shutdown: z.object({ type: z.literal("server.shutdown"), timestamp: iso, data: z.object({ reason: z.string() }) }),
  resync: z.object({ type: z.literal("server.resync"), timestamp: iso, data: z.object({ reason: z.string().describe("\"redis_reconnected\"") }) }),
  auth_error: z.object({ type: z.literal("auth.error"), timestamp: iso, data: z.object({ code: z.literal("AUTH_FAILED"), message: z.string() }) }),
} as const;
type Transient = Exclude<keyof ServerToClientEvents, EventType>;
export const _transientMatchTheContract = [
  same<keyof typeof TRANSIENT_EVENTS, Transient>(true),
  same<z.infer<(typeof TRANSIENT_EVENTS)["connection_established"]>, ConnectionEstablished>(true),
  same<z.infer<(typeof TRANSIENT_EVENTS)["joined"]>, Parameters<ServerToClientEvents["joined"]>[0]>(true),
  same<z.infer<(typeof TRANSIENT_EVENTS)["server_shutdown"]>, ServerShutdown>(true),
  same<z.infer<(typeof TRANSIENT_EVENTS)["resync"]>, ServerResync>(true),
  same<z.infer<(typeof TRANSIENT_EVENTS)["auth_error"]>, AuthError>(true),
];

/** Socket.IO's own `connect_error` for a refused handshake (lib/realtime/server.ts): `message` is the code. */
export const CONNECT_ERROR_CODES = ["AUTH_MISSING", "AUTH_FAILED", "RATE_LIMITED", "SERVICE_UNAVAILABLE"] as const;
export const CONNECT_ERROR = z.object({
  message: z.enum(CONNECT_ERROR_CODES),
  data: z.object({ code: z.enum(CONNECT_ERROR_CODES), message: z.string() }),
});
