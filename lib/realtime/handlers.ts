// Client commands: validate → authorise → act → ack. Listeners are attached synchronously on connection.
// The agents' commands are the domain's (lib/agents/socket.ts), passed in by server.ts.
import { errInfo, logger } from "../logger";
import { z } from "zod";
import { COMMANDS, MAX_PAYLOAD_BYTES, parseRoom, rooms, type AckError, type CommandName } from "./events";
import { authorizeRoom, dependsOnMembership } from "./rooms";
import { getConfig } from "../config";
import { eventsAfter, knownLatestId, rememberLatestId, withClusterRoomLock, withRoomLock } from "./publish";
import { gapAfter } from "./gaps";
import { getPrisma } from "../db";
import { metrics } from "../metrics";
import { AppError, toAckError, zodDetails } from "../errors";
import { refreshCredential } from "./credentials";
import { callerScope, requestHash, runOnce, stableStringify } from "../idempotency";
import { overloadRefusal } from "./overload";
import { COMMAND_WINDOW, PENDING_JOINS, type AppSocket, type CommandHandler, type DomainCommandName, type DomainCommands } from "./socket";

const REPLAY_PAGE = 1000;

export const err = (code: AckError["code"], message: string, details?: unknown): AckError => ({
  status: "error",
  code,
  message,
  ...(details !== undefined ? { details } : {}),
});

/** Contract rooms a socket is in (its own id and internal rooms not counted). */
const contractRooms = (socket: AppSocket) => [...socket.rooms].filter((r) => r !== socket.id && parseRoom(r));


/** Join a room, first replaying what the socket missed after `since` (in order, before any live event). */
async function joinRoom(socket: AppSocket, roomName: string, since: string | number | undefined) {
  const room = parseRoom(roomName);
  if (!room) return err("INVALID_ROOM", `'${String(roomName).slice(0, 100)}' is not a room (user:, project:, agent:, workflow:, job:<uuid> or global)`);
  // Joins under way (authorised, not yet joined), counted against the room cap.
  const pending = (socket[PENDING_JOINS] ??= new Set<string>());
  const max = getConfig().socketMaxRooms;
  // A join counts once, whether it is still pending, already in socket.rooms, or (between the two) both.
  if (!socket.rooms.has(room.name) && !pending.has(room.name) && new Set([...contractRooms(socket), ...pending]).size >= max) {
    return err("TOO_MANY_ROOMS", `This socket is in ${max} rooms, the most allowed (SOCKET_MAX_ROOMS); unsubscribe from some first`, { max_rooms: max });
  }
  pending.add(room.name);
  try {
    const decision = await authorizeRoom(socket.data.user, room);
    if (!decision.ok) return err(decision.code, decision.message);
    let replayed = 0;
    let gap: Partial<Awaited<ReturnType<typeof gapAfter>>> | undefined;
    if (since === undefined) {
      await socket.join(room.name);
      // Where this join starts (read after it: anything newer is delivered live): a later re-join with
      // since = latest_id replays exactly what the socket missed (lib/client/realtime-client.ts does).
      gap = { latest_id: await latestIdAfterJoin(room.name) };
    } else {
      // Under the room's publish locks (this process's, and with several processes the PostgreSQL advisory
      // lock) no event can slip between the replay and the join.
      ({ replayed, gap } = await withRoomLock(room.name, () => withClusterRoomLock(room.name, async (db) => {
        let after = BigInt(since);
        let n = 0;
        for (;;) {
          const page = await eventsAfter(room.name, after, REPLAY_PAGE, db);
          for (const env of page) socket.emit(env.type, env as never);
          n += page.length;
          if (page.length < REPLAY_PAGE) break;
          after = BigInt(page[page.length - 1]!.id);
        }
        // After the replay (lib/realtime/gaps.ts): were events after `since` deleted by retention?
        const g = await gapAfter(room.name, BigInt(since), db);
        await socket.join(room.name);
        return { replayed: n, gap: g };
      })));
      if (replayed) metrics().replayed.inc(replayed);
    }
    // Access withdrawn while this join was under way (a membership removed: the eviction looked at the
    // socket's rooms before this join): check again now that the socket is in, and leave if it lost it.
    if (dependsOnMembership(room) && !(await authorizeRoom(socket.data.user, room)).ok) {
      await socket.leave(room.name);
      return err("ROOM_ACCESS_DENIED", "Your access to this room was withdrawn");
    }
    return { status: "success" as const, room: room.name, replayed, ...gap };
  } finally {
    pending.delete(room.name);
    if (pending.size === 0) socket[PENDING_JOINS] = undefined;
  }
}

/**
 * A room's latest event id, read after the caller joined it. Joins to the same room in one turn of the event
 * loop (a reconnect storm, a page of subscribers) share one read: it starts in setImmediate, after every
 * caller attached to it has joined, so it is "after the join" for each of them. A caller arriving once the
 * read has started gets a new one.
 */
const latestReads = new Map<string, Promise<string | null>>();
function latestIdAfterJoin(room: string): Promise<string | null> {
  // One process (no Redis): the newest id it stored and emitted for the room, kept by lib/realtime/publish.ts.
  // An event stored but not yet emitted has a newer id and reaches this socket live, as with a read.
  const known = knownLatestId(room);
  if (known !== undefined) return Promise.resolve(known.toString());
  let read = latestReads.get(room);
  if (!read) {
    read = new Promise<string | null>((resolve, reject) => {
      setImmediate(() => {
        latestReads.delete(room);
        getPrisma()
          .event.findFirst({ where: { room }, orderBy: { id: "desc" }, select: { id: true } })
          .then((latest) => {
            rememberLatestId(room, latest ? latest.id : null);
            resolve(latest ? latest.id.toString() : null);
          }, reject);
      });
    });
    latestReads.set(room, read);
  }
  return read;
}

function leaveRoom(socket: AppSocket, roomName: string) {
  const room = parseRoom(roomName);
  if (!room) return err("INVALID_ROOM", `'${String(roomName).slice(0, 100)}' is not a room`);
  void socket.leave(room.name);
  return { status: "success" as const, room: room.name };
}

const roomOf = (p: { room?: string; project_id?: string }) => p.room ?? rooms.project(String(p.project_id));

export type Handlers = { [C in CommandName]: CommandHandler<C> };

const ownHandlers: Omit<Handlers, DomainCommandName> = {
  subscribe: (socket, p) => joinRoom(socket, roomOf(p), p.since),
  unsubscribe: (socket, p) => leaveRoom(socket, roomOf(p)),
  join_job: async (socket, p) => {
    const res = await joinRoom(socket, rooms.job(p.job_id), p.since);
    if (res.status === "success") socket.emit("joined", { job_id: p.job_id });
    return res;
  },
  leave_job: (socket, p) => leaveRoom(socket, rooms.job(p.job_id)),
  ping: () => ({ status: "pong", server_time: new Date().toISOString() }),
  "debug:rooms": (socket) => ({ rooms: [...socket.rooms].filter((r) => r !== socket.id && parseRoom(r)) }),
  "auth:refresh": async (socket, p) => {
    const r = await refreshCredential(socket, p.token);
    if (!r.ok) return err("AUTH_FAILED", `${r.message}; the current credential stays in force until it expires`);
    return { status: "success", expires_at: r.expiresAt ? new Date(r.expiresAt).toISOString() : null };
  },
};

/** Service errors as acks, through the one mapper (lib/errors.ts toAckError); domain commands (lib/agents/socket.ts) use it too. */
export const appErrorAck = (e: unknown): AckError => toAckError(e);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof ArrayBuffer);

function payloadTooLarge(v: unknown): boolean {
  try {
    return Buffer.byteLength(JSON.stringify(v) ?? "") > MAX_PAYLOAD_BYTES;
  } catch {
    return true; // not serialisable (cyclic cannot arrive over the wire, but be safe)
  }
}

/** Acks that mean "try again" are not kept for an idempotency key. */
const RETRYABLE_ACKS = new Set(["INTERNAL", "RATE_LIMITED", "OVERLOADED"]);

/**
 * A command with `idempotency_key` (lib/idempotency.ts): at most once per caller and key; a repeat of the
 * same command and payload gets the first ack back, another payload under the same key IDEMPOTENCY_KEY_REUSED.
 */
async function runCommandOnce(socket: AppSocket, name: CommandName, key: string, payload: Record<string, unknown>, run: () => unknown) {
  const { idempotency_key: _key, ...rest } = payload;
  try {
    const { result } = await runOnce(
      callerScope(socket.data.user),
      key,
      requestHash("socket", name, stableStringify(rest)),
      async () => ({ status: 200, body: await run() }),
      (r) => !(r.body && typeof r.body === "object" && RETRYABLE_ACKS.has(String((r.body as AckError).code))),
    );
    return result.body;
  } catch (e) {
    if (e instanceof AppError && (e.code === "IDEMPOTENCY_KEY_REUSED" || e.code === "IDEMPOTENCY_IN_PROGRESS")) return err(e.code, e.message);
    throw e;
  }
}

/**
 * Commands per socket (RATE_LIMIT_COMMANDS_PER_SECOND): a fixed one-second window started by the window's first
 * command, counted on the socket itself. A socket lives on one process, so there is nothing to share through
 * Redis, and an idle socket carries nothing until its first command (no limiter record, no expiry timer).
 * Returns null when allowed, else the milliseconds until the window ends.
 */
function takeCommand(socket: AppSocket): number | null {
  const now = Math.ceil(performance.now());
  const w = socket[COMMAND_WINDOW];
  if (!w || now >= w.end) {
    if (w) {
      w.end = now + 1000;
      w.used = 1;
    } else socket[COMMAND_WINDOW] = { end: now + 1000, used: 1 };
    return null;
  }
  if (w.used < getConfig().rateLimits.commandsPerSecond) {
    w.used++;
    return null;
  }
  metrics().rateLimited.inc({ kind: "command" });
  return Math.max(1, w.end - now);
}

async function dispatch(handlers: Handlers, socket: AppSocket, name: CommandName, args: unknown[]) {
  const ack = typeof args[args.length - 1] === "function" ? (args.pop() as (r: unknown) => void) : () => {};
  const retry = takeCommand(socket);
  if (retry !== null) return ack(err("RATE_LIMITED", `Too many commands; try again in ${retry} ms`, { retry_after_ms: retry }));
  const payload = args.length === 0 || args[0] === undefined ? {} : args[0];
  if (!isPlainObject(payload)) return ack(err("VALIDATION_FAILED", "The payload must be a JSON object"));
  if (payloadTooLarge(payload)) return ack(err("PAYLOAD_TOO_LARGE", `The payload is larger than ${MAX_PAYLOAD_BYTES} bytes`));
  const parsed = (COMMANDS[name] as z.ZodType).safeParse(payload);
  if (!parsed.success) {
    return ack(
      err(
        "VALIDATION_FAILED",
        `Invalid ${name} payload`,
        zodDetails(parsed.error, { root: "(payload)" }),
      ),
    );
  }
  try {
    const run = () => (handlers[name] as (s: AppSocket, p: unknown) => unknown)(socket, parsed.data);
    const key = (parsed.data as { idempotency_key?: string }).idempotency_key;
    // A command with a key publishes: refused before its key is claimed (two writes) while overloaded.
    const refused = key === undefined ? null : overloadRefusal("socket");
    if (refused) return ack(toAckError(refused));
    ack(key === undefined ? await run() : await runCommandOnce(socket, name, key, parsed.data as Record<string, unknown>, run));
  } catch (e) {
    logger().error(errInfo(e), `[socket] ${name} failed`);
    ack(err("INTERNAL", "The server could not complete this command"));
  }
}

/** The command table: realtime's own commands and the domains' (server.ts supplies those). */
export const commandHandlers = (domain: DomainCommands): Handlers => ({ ...ownHandlers, ...domain });

const isCommand = (event: string): event is CommandName => Object.prototype.hasOwnProperty.call(COMMANDS, event);

/**
 * The one listener of a socket's commands, made once per server (not per socket): Socket.IO calls an onAny
 * listener with the socket as `this`, so a connection costs one entry in its any-listeners array — no
 * closures, no per-command listener table; its state is on the socket (socket.data, or symbol-keyed fields
 * that are never serialised). Unknown commands get an UNKNOWN_COMMAND ack.
 */
export function makeListeners(handlers: Handlers) {
  function onCommand(this: AppSocket, event: string, ...args: unknown[]) {
    if (isCommand(event)) return void dispatch(handlers, this, event, args);
    const ack = args[args.length - 1];
    if (typeof ack === "function") ack(err("UNKNOWN_COMMAND" as AckError["code"], `Unknown command '${String(event).slice(0, 50)}'`));
  }
  return {
    attach(socket: AppSocket) {
      socket.onAny(onCommand);
    },
  };
}

export type Listeners = ReturnType<typeof makeListeners>;
