// The AsyncAPI 3.0 document of the realtime protocol, generated from lib/contract: every client command with
// its payload, its ack and the error codes the ack can carry; every server event with its envelope, the schema
// of its `data` and the rooms it is sent to; the connection, its credentials and its failures. Served at
// /api/v1/asyncapi.json and rendered at /docs/realtime. Built once per process (it depends on code only).
import { z } from "zod";
import {
  agentEvents,
  AGENT_WORK_DATA,
  COMMANDS,
  EVENTS,
  githubEvents,
  MAX_PAYLOAD_BYTES,
  notificationEvents,
  projectEvents,
  PROTOCOL_VERSION,
  reviewEvents,
  testRunEvents,
  vibecodeEvents,
  workflowEvents,
  type CommandName,
  type EventType,
  type RoomKind,
} from "../contract";
import { EVENT_ROOMS } from "./event-rooms";
import { ACK_SUCCESS, COMMAND_ERRORS, CONNECT_ERROR, CONNECT_ERROR_CODES, TRANSIENT_EVENTS, ackError } from "./socket-shapes";

type Json = Record<string, unknown>;
type Schema = Json;

/* ---------- zod → JSON Schema (draft-07, AsyncAPI's default schema format) ---------- */

/**
 * One zod schema as a JSON Schema inside the document: shared schemas (zod `.meta({id})`, which zod emits as
 * `definitions`) move to components.schemas and are referenced from there. Server → client shapes drop zod's
 * `additionalProperties: false`: events grow additively, and a client must ignore fields it does not know.
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output", shared: Record<string, Schema>): Schema {
  const out = z.toJSONSchema(schema, { target: "draft-7", unrepresentable: "any", io }) as Schema;
  delete out.$schema;
  const defs = (out.definitions ?? {}) as Record<string, Schema>;
  delete out.definitions;
  for (const [name, def] of Object.entries(defs)) {
    const fixed = fix(def, io);
    if (shared[name] && JSON.stringify(shared[name]) !== JSON.stringify(fixed)) throw new Error(`asyncapi: two different schemas are named ${name}`);
    shared[name] = fixed;
  }
  return fix(out, io);
}

function fix<T>(v: T, io: "input" | "output"): T {
  if (Array.isArray(v)) return v.map((x) => fix(x, io)) as T;
  if (!v || typeof v !== "object") return v;
  const o: Json = {};
  for (const [k, x] of Object.entries(v as Json)) {
    if (k === "$ref" && typeof x === "string") o[k] = x.replace(/^#\/(definitions|\$defs)\//, "#/components/schemas/");
    else if (k === "additionalProperties" && x === false && io === "output") continue;
    else o[k] = fix(x, io);
  }
  return o as T;
}

/** A key of components.messages / operations (AsyncAPI: `^[\w\d.\-_]+$`); the event's own name stays in `name`. */
const key = (s: string) => s.replace(/[^\w.-]/g, "_");
const ref = (path: string) => ({ $ref: path });

/* ---------- what the document says about rooms and domains ---------- */

const ROOM_CHANNELS: Record<RoomKind, { address: string; param?: string; title: string; description: string }> = {
  user: {
    address: "user:{userId}",
    param: "userId",
    title: "A user's room",
    description:
      "Joined at connect for the signed-in user (not for a project-scoped token). Only that user may be in it (another user's room: `ROOM_ACCESS_DENIED`). Carries the user's notifications and copies of project and membership events that concern them.",
  },
  project: {
    address: "project:{projectId}",
    param: "projectId",
    title: "A project's room",
    description: "`subscribe {project_id}` or `{room: \"project:<id>\"}`: members of the project (viewer and up) and admins. Everything that happens in the project.",
  },
  agent: {
    address: "agent:{agentId}",
    param: "agentId",
    title: "An agent's room",
    description:
      "Read only: the agent itself, its creator, admins and members of one of its projects (an unknown agent is `ROOM_ACCESS_DENIED` like one the caller may not see). Presence, and `workflow.cancelled` for the agent's workflows (an agent listens here to learn it should stop).",
  },
  workflow: {
    address: "workflow:{workflowId}",
    param: "workflowId",
    title: "A workflow's room",
    description: "Members of the workflow's project. The workflow's `workflow.*` events and the `agent:*` events reported on it.",
  },
  job: {
    address: "job:{jobId}",
    param: "jobId",
    title: "A job's room",
    description: "`join_job {job_id}` (or `subscribe {room: \"job:<id>\"}`): members of the job's project. A test run's progress, log lines and outcome (seed 003's job events).",
  },
  global: {
    address: "global",
    title: "The global room",
    description: "Every socket is in it from connect. It carries no agent or project data (no event is published to it today).",
  },
};

const DOMAINS: [string, Record<string, unknown>][] = [
  ["projects", projectEvents],
  ["agents", agentEvents],
  ["workflows", workflowEvents],
  ["vibecode", vibecodeEvents],
  ["test runs", testRunEvents],
  ["github", githubEvents],
  ["reviews", reviewEvents],
  ["notifications", notificationEvents],
];
const domainOf = (t: EventType) => DOMAINS.find(([, events]) => Object.hasOwn(events, t))?.[0] ?? "other";

const COMMAND_TEXT: Record<CommandName, { summary: string; description?: string; example: Json }> = {
  subscribe: {
    summary: "Join a room (`{room}` or `{project_id}`), first replaying what was missed after `since`",
    description:
      "With `since` (an event id: a string of at most 19 digits ≤ 9223372036854775807, or a safe integer) the room's events after it are sent first, in order, then the ack, then live events — under the room's publish lock, so nothing slips between. Keep the newest id you saw per room and re-subscribe with it after a reconnect or a `resync`. Without `since` the ack's `latest_id` is where live delivery starts. A socket is in at most `SOCKET_MAX_ROOMS` rooms (default 200, `user:` and `global` included).",
    example: { project_id: "2f1c9a4e-0b7d-4c3e-9a51-6d2f8e7b1c40", since: "1042" },
  },
  unsubscribe: { summary: "Leave a room (`{room}` or `{project_id}`)", example: { room: "project:2f1c9a4e-0b7d-4c3e-9a51-6d2f8e7b1c40" } },
  join_job: {
    summary: "Join `job:<job_id>` (seed 003), with `since` like subscribe; also emits `joined {job_id}`",
    example: { job_id: "9b0e7c2d-5a41-4f6e-8d3c-1e2f3a4b5c6d" },
  },
  leave_job: { summary: "Leave `job:<job_id>`", example: { job_id: "9b0e7c2d-5a41-4f6e-8d3c-1e2f3a4b5c6d" } },
  ping: { summary: "Liveness check; answers `pong` with the server's time", example: {} },
  "debug:rooms": { summary: "The contract rooms this socket is in", example: {} },
  "agent:event": {
    summary: "Report agent work on a workflow (agent tokens): a thought, a tool call, a result or an error",
    description:
      "Published as `agent:thought` / `agent:tool_call` / `agent:result` / `agent:error` to the workflow's project room and `workflow:<id>`; the ack carries its event id. `data` is checked per `type` (unknown keys are dropped) and secrets in it are masked before it is stored. Seed 001's `workflowId` is accepted for `workflow_id` (both given: they must be equal). With `idempotency_key`, a repeat within IDEMPOTENCY_WINDOW_MS gets the first ack and publishes nothing.",
    example: { type: "agent:thought", workflow_id: "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f", data: { content: "Reading the failing test first." }, idempotency_key: "wf-5d6e-thought-3" },
  },
  "agent:status": {
    summary: "Report the agent's own status (agent tokens only); published as `agent.status_changed`",
    description: "`metadata` replaces the stored metadata (never merged; left out, the stored one stays) and is at most 4096 bytes as JSON after masking.",
    example: { status: "busy", availability: 40, metadata: { model: "gpt-5", task: "fixing CI" } },
  },
  "auth:refresh": {
    summary: "Replace the socket's credential before it expires (same user, same agent)",
    description:
      "A socket is disconnected with `auth_error` when its credential expires; send a fresh token (a new JWT from POST /api/v1/auth/token, or another API token of the same user and agent) to keep it. On failure the current credential stays in force until it expires.",
    example: { token: "eyJhbGciOiJIUzI1NiJ9.…" },
  },
};

const TRANSIENT_TEXT: Record<keyof typeof TRANSIENT_EVENTS, { summary: string; description: string }> = {
  connection_established: {
    summary: "The connection is authenticated and ready",
    description: "Sent once per connection, after the socket joined `user:<user_id>` (not for a project-scoped token) and `global`.",
  },
  joined: { summary: "A `join_job` succeeded (seed 003)", description: "Sent right after the successful ack of `join_job`." },
  server_shutdown: {
    summary: "This server process is stopping",
    description: "The socket is disconnected right after. Reconnect (Socket.IO does it by itself) and re-subscribe each room with `since`.",
  },
  resync: {
    summary: "Events may have been missed: re-subscribe every room with `since`",
    description: "Sent to every socket of a process whose connection to Redis came back: broadcasts other processes made meanwhile never reached it; the events are in the log.",
  },
  auth_error: {
    summary: "The credential expired, was revoked or the account was disabled",
    description: "Sent just before the server disconnects the socket. Do not reconnect with the same credential: get a new one (or refresh in time with `auth:refresh`).",
  },
};

function description(): string {
  return [
    `Switchboard's realtime protocol (version ${PROTOCOL_VERSION}): **Socket.IO 4** on the app's own origin and port, path \`/socket.io/\`, namespaces \`/\` and \`/ws\` (the same). Use a Socket.IO client (\`socket.io-client\`); plain WebSockets do not speak it. The REST API is described by [/api/v1/openapi.json](/api/v1/openapi.json) ([reference](/docs/api)); the whole contract in prose is docs/PROTOCOL.md.`,
    "",
    "## Connecting and authenticating",
    "1. Connect with a credential: `io(origin, { auth: { token } })` (preferred), `?token=` in the query (fallback), or — in the browser — the next-auth session cookie sent with the handshake. A token is a JWT (`POST /api/v1/auth/token`), a personal token (`sb_pat_…`) or an agent token (`sb_agt_…`) from `POST /api/v1/tokens`.",
    `2. A refused handshake ends in Socket.IO's \`connect_error\`, whose \`message\` is the code and whose \`data\` is \`{code, message}\`: ${CONNECT_ERROR_CODES.map((c) => `\`${c}\``).join(", ")} (\`AUTH_MISSING\`: no credential; \`AUTH_FAILED\`: bad, expired or revoked; \`RATE_LIMITED\`: too many connections from the address; \`SERVICE_UNAVAILABLE\`: the database is away, retry). A cross-origin browser needs its origin in \`CORS_ORIGINS\`.`,
    "3. Accepted: the socket is in `user:<id>` and `global`, and receives `connection_established`.",
    "4. Join rooms with `subscribe` / `join_job` (with `since` to replay what was missed). Every command takes an acknowledgement callback: the ack is `{status: \"success\", …}` or `{status: \"error\", code, message, details?}`. An unknown command name acks `UNKNOWN_COMMAND`.",
    "5. Before the credential expires, `auth:refresh` with a fresh token; otherwise `auth_error` then a disconnect. Revoking a token or disabling an account disconnects its sockets the same way, on every process.",
    "6. After any reconnect, or on `resync`, re-subscribe every room with the newest event id seen in it (`since`), and drop envelopes already seen by `id`.",
    "",
    "## Events",
    "Every persisted event is one envelope `{id, type, timestamp, source, room, trace_id, data}`; the Socket.IO event name is `type`. `id` grows per log and is the `since` (socket) / `after` (REST) cursor. Each event's channels below say which rooms it is sent to.",
    "",
    `## Limits`,
    `A command payload must be a JSON object of at most ${MAX_PAYLOAD_BYTES} bytes (\`VALIDATION_FAILED\`, \`PAYLOAD_TOO_LARGE\`); commands are rate limited per socket (\`RATE_LIMITED\` with \`details.retry_after_ms\`); frames over 4 MiB close the transport.`,
  ].join("\n");
}

/* ---------- the document ---------- */

function build() {
  const shared: Record<string, Schema> = {};
  const messages: Record<string, Json> = {};
  const operations: Record<string, Json> = {};
  const channels: Record<string, Json> = {};

  // Events: one message per type (envelope + data), listed in the channel of each kind of room it goes to.
  const eventKeys = new Map<EventType, string>();
  for (const t of Object.keys(EVENTS) as EventType[]) {
    const k = `event.${key(t)}`;
    eventKeys.set(t, k);
    const roomsOf = EVENT_ROOMS[t];
    messages[k] = {
      name: t,
      title: t,
      summary: `${domainOf(t)}: sent to ${roomsOf.map((r) => `\`${ROOM_CHANNELS[r].address.replace(/\{\w+\}/, "<id>")}\``).join(", ")}`,
      tags: [{ name: domainOf(t) }],
      payload: {
        type: "object",
        required: ["id", "type", "timestamp", "source", "room", "trace_id", "data"],
        properties: {
          id: { type: "string", description: "the event's position in the log (a growing integer, as a string): the `since` of a re-subscribe" },
          type: { type: "string", const: t },
          timestamp: { type: "string", description: "ISO-8601 UTC" },
          source: { type: "string", description: "the service that published it" },
          room: { type: "string", description: `the room it was published to: ${roomsOf.map((r) => ROOM_CHANNELS[r].address).join(" or ")}` },
          trace_id: { type: ["string", "null"], description: "the trace this event belongs to (GET /api/v1/traces/{trace_id})" },
          data: jsonSchema(EVENTS[t] as z.ZodType, "output", shared),
        },
      },
      "x-rooms": roomsOf,
    };
  }

  // Commands and their acks.
  const commandKeys = Object.keys(COMMANDS) as CommandName[];
  for (const c of commandKeys) {
    const text = COMMAND_TEXT[c];
    const errors = COMMAND_ERRORS[c];
    messages[`command.${key(c)}`] = {
      name: c,
      title: c,
      summary: text.summary,
      tags: [{ name: "commands" }],
      payload: commandPayload(c, shared),
      examples: [{ name: "example", payload: text.example }],
    };
    messages[`ack.${key(c)}`] = {
      name: `${c} ack`,
      title: `${c} ack`,
      summary: `The acknowledgement of ${c}: success, or an error with one of ${errors.join(", ")}`,
      tags: [{ name: "acks" }],
      payload: {
        oneOf: [jsonSchema(ACK_SUCCESS[c], "output", shared), jsonSchema(ackError(errors), "output", shared)],
      },
      "x-error-codes": errors,
    };
  }

  // Transient server events and the handshake failure.
  for (const [name, schema] of Object.entries(TRANSIENT_EVENTS) as [keyof typeof TRANSIENT_EVENTS, z.ZodType][]) {
    messages[`server.${key(name)}`] = {
      name,
      title: name,
      summary: TRANSIENT_TEXT[name].summary,
      description: TRANSIENT_TEXT[name].description,
      tags: [{ name: "connection" }],
      payload: jsonSchema(schema, "output", shared),
    };
  }
  messages["server.connect_error"] = {
    name: "connect_error",
    title: "connect_error",
    summary: "The handshake was refused (Socket.IO's reserved event; the connection is not established)",
    description: "`AUTH_MISSING` and `AUTH_FAILED`: get a (new) credential before trying again; `RATE_LIMITED`: wait; `SERVICE_UNAVAILABLE`: the database is away, retry shortly (not the credential's fault).",
    tags: [{ name: "connection" }],
    payload: jsonSchema(CONNECT_ERROR, "output", shared),
  };

  // The connection channel: commands, acks, transient events.
  channels.socket = {
    address: "/",
    title: "The connection",
    description:
      "The Socket.IO namespace `/` (`/ws` is the same) on path `/socket.io/`. Commands are emitted with an acknowledgement callback; the ack is the reply. The server's connection-level events arrive here too.",
    messages: Object.fromEntries(Object.keys(messages).filter((m) => !m.startsWith("event.")).map((m) => [m, ref(`#/components/messages/${m}`)])),
  };
  for (const c of commandKeys) {
    const errors = COMMAND_ERRORS[c];
    operations[`send.${key(c)}`] = {
      action: "send",
      title: c,
      summary: COMMAND_TEXT[c].summary,
      description: [COMMAND_TEXT[c].description, `Ack errors: ${errors.map((e) => `\`${e}\``).join(", ")}.`].filter(Boolean).join("\n\n"),
      channel: ref("#/channels/socket"),
      messages: [ref(`#/channels/socket/messages/command.${key(c)}`)],
      reply: { channel: ref("#/channels/socket"), messages: [ref(`#/channels/socket/messages/ack.${key(c)}`)] },
      tags: [{ name: "commands" }],
    };
  }
  for (const name of [...Object.keys(TRANSIENT_EVENTS), "connect_error"]) {
    const m = `server.${key(name)}`;
    operations[`receive.${key(name)}`] = {
      action: "receive",
      title: name,
      summary: (messages[m] as { summary: string }).summary,
      channel: ref("#/channels/socket"),
      messages: [ref(`#/channels/socket/messages/${m}`)],
      tags: [{ name: "connection" }],
    };
  }

  // One channel per kind of room, with the events sent to it; one receive operation per channel.
  for (const [kind, ch] of Object.entries(ROOM_CHANNELS) as [RoomKind, (typeof ROOM_CHANNELS)[RoomKind]][]) {
    const types = [...eventKeys.keys()].filter((t) => EVENT_ROOMS[t].includes(kind));
    const id = `room.${kind}`;
    channels[id] = {
      address: ch.address,
      title: ch.title,
      description: ch.description,
      ...(ch.param ? { parameters: { [ch.param]: { description: "a UUID (lower-case)" } } } : {}),
      messages: Object.fromEntries(types.map((t) => [eventKeys.get(t)!, ref(`#/components/messages/${eventKeys.get(t)}`)])),
    };
    operations[`receive.room.${kind}`] = {
      action: "receive",
      title: `Events in ${ch.address}`,
      summary: types.length ? `${types.length} event types: ${types.join(", ")}` : "No events today",
      description: ch.description,
      channel: ref(`#/channels/${id}`),
      messages: types.map((t) => ref(`#/channels/${id}/messages/${eventKeys.get(t)}`)),
      tags: [{ name: "rooms" }],
    };
  }

  return {
    asyncapi: "3.0.0",
    id: "urn:switchboard:realtime",
    info: {
      title: "Switchboard realtime API",
      version: PROTOCOL_VERSION,
      description: description(),
      tags: [
        { name: "commands", description: "Client → server, each with an acknowledgement" },
        { name: "acks", description: "The acknowledgement of a command" },
        { name: "connection", description: "The connection's own events: established, refused, shutting down, resync, auth errors" },
        { name: "rooms", description: "Events delivered to the rooms a socket is in" },
        ...DOMAINS.map(([name]) => ({ name, description: `Events of the ${name} domain` })),
      ],
    },
    defaultContentType: "application/json",
    servers: {
      app: {
        host: "{host}",
        protocol: "ws",
        pathname: "/socket.io/",
        title: "This Switchboard server",
        description: "Socket.IO 4 (Engine.IO 4: WebSocket, or HTTP long-polling upgraded to it) on the same origin as the web app and the REST API. Use `wss` behind HTTPS.",
        variables: { host: { default: "localhost:3000", description: "the host and port you open Switchboard at" } },
        security: [ref("#/components/securitySchemes/token"), ref("#/components/securitySchemes/session")],
      },
    },
    channels,
    operations,
    components: {
      schemas: shared,
      messages,
      securitySchemes: {
        token: {
          type: "httpApiKey",
          name: "token",
          in: "query",
          description:
            "Preferred: the Socket.IO handshake's `auth: {token}`; `?token=` in the query is the fallback. A JWT (POST /api/v1/auth/token), a personal token (`sb_pat_…`) or an agent token (`sb_agt_…`, needed for `agent:event` / `agent:status`) from POST /api/v1/tokens. Extend it on a live socket with `auth:refresh`.",
        },
        session: {
          type: "httpApiKey",
          name: "next-auth.session-token",
          in: "cookie",
          description: "The browser's signed-in session cookie, sent with the handshake (same origin, or an origin in CORS_ORIGINS).",
        },
      },
    },
  };
}

/** The payload schema of a command: the contract's zod schema, with what its refinements say spelled out in JSON Schema. */
function commandPayload(c: CommandName, shared: Record<string, Schema>): Schema {
  const base = jsonSchema(COMMANDS[c] as z.ZodType, "input", shared);
  if (c === "subscribe" || c === "unsubscribe") {
    return { ...base, description: "Give exactly one of `room` or `project_id`.", oneOf: [{ required: ["room"] }, { required: ["project_id"] }] };
  }
  if (c === "agent:event") {
    // One variant per work type: `data` is checked against that type's shape.
    const props = base.properties as Record<string, Schema>;
    return {
      description: "Give `workflow_id` (or seed 001's alias `workflowId`). `data` depends on `type`.",
      oneOf: Object.entries(AGENT_WORK_DATA).map(([type, data]) => ({
        title: type,
        type: "object",
        required: ["type", "data"],
        properties: { ...props, type: { type: "string", const: type }, data: jsonSchema(data as z.ZodType, "input", shared) },
        anyOf: [{ required: ["workflow_id"] }, { required: ["workflowId"] }],
      })),
    };
  }
  return base;
}

let cached: ReturnType<typeof build> | null = null;
let cachedJson: string | null = null;

/** The AsyncAPI 3.0 document (built on first use, then kept: it depends on the code only). */
export function asyncApiDocument() {
  cached ??= build();
  return cached;
}

/** The document serialised once (GET /api/v1/asyncapi.json answers these bytes). */
export function asyncApiJson(): string {
  cachedJson ??= JSON.stringify(asyncApiDocument());
  return cachedJson;
}
