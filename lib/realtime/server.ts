// Socket.IO on the app's HTTP server: namespaces "/" and "/ws", auth middleware, CORS allowlist,
// Redis Streams adapter when REDIS_URL is set. It knows no domain: server.ts passes the domains' connection
// hooks and commands in.
import type { Server as HttpServer, IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import { Server, type Namespace, type Socket } from "socket.io";
import type { RedisClient } from "./redis";
import type * as RedisStreamsAdapterModule from "@socket.io/redis-streams-adapter";
import type { AppConfig } from "../config";
import { identify } from "../auth/identify";
import { commandHandlers, makeListeners, type Listeners } from "./handlers";
import { clearCaches, INVALIDATE_EVENT, onRemoteInvalidation } from "../auth/lookup-cache";
import type { AppSocket, ConnectionHooks, DomainCommands } from "./socket";
import { PROTOCOL_VERSION, rooms } from "./events";
import { setHub, type Hub } from "./hub";
import { take } from "../limits";
import { isDatabaseUnavailable } from "../errors";
import { metrics, type SocketSource } from "../metrics";
import { orderLocalDelivery } from "./ordered-adapter";
import { slowClientGuard } from "./slow-clients";
import { trackCredential, untrackCredential } from "./credentials";
import { refuseCredential } from "../auth/refusals";
import { errInfo, log, logger } from "../logger";

const socketLog = log("socket");

const NAMESPACES = ["/", "/ws"] as const;
/** Frames above this close the transport; commands between 1 MiB and this get a PAYLOAD_TOO_LARGE ack. */
const TRANSPORT_MAX_BYTES = 4 * 1024 * 1024;

/** Same-origin requests, clients without an Origin (servers, CLIs) and the CORS_ORIGINS allowlist. */
export function originAllowed(req: IncomingMessage, allowlist: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowlist.includes(origin)) return true;
  const host = req.headers["x-forwarded-host"] ?? req.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function connectError(code: string, message: string) {
  const e = new Error(code) as Error & { data: unknown };
  e.data = { code, message };
  return e;
}

export type RealtimeOptions = {
  dev?: boolean;
  redisClient?: RedisClient | null;
  /** The domains' part in each connection (agent presence), called in order. */
  hooks?: ConnectionHooks[];
  /** The domains' commands (agent:event, agent:status). */
  commands: DomainCommands;
};

export type Realtime = ReturnType<typeof createRealtime>;

/** Socket.IO on the HTTP server, its namespaces authenticated and wired; sets the hub (./hub.ts). */
export function createRealtime(httpServer: HttpServer, config: AppConfig, opts: RealtimeOptions) {
  const redisClient = opts.redisClient ?? null;
  const io = createIo(httpServer, config, opts.dev ?? false, redisClient);
  const namespaces: Namespace[] = NAMESPACES.map((n) => io.of(n));
  const listeners = makeListeners(commandHandlers(opts.commands));
  const hooks = opts.hooks ?? [];
  const onDisconnect = function (this: AppSocket, reason: string) {
    socketDisconnected(this, reason, hooks);
  };
  for (const nsp of namespaces) {
    nsp.use(authenticate);
    nsp.on("connection", (socket) => onConnection(socket as AppSocket, listeners, hooks, onDisconnect));
  }
  // Other processes' cache invalidations (lib/auth/lookup-cache.ts), through the adapter: server-side only.
  namespaces[0]!.on(INVALIDATE_EVENT as never, onRemoteInvalidation as never);
  if (redisClient) {
    orderLocalDelivery(namespaces);
    resyncAfterRedisReturns(namespaces, redisClient);
  }
  const slow = slowClientGuard(namespaces, config.socketMaxBufferBytes);
  metrics().setSocketSource(localSocketCounts(namespaces));

  const hub: Hub = { io, namespaces, redis: redisClient ? { ok: () => !!redisClient?.isReady } : null, afterLocalEmit: slow.afterLocalEmit };
  setHub(hub);

  return {
    io,
    hub,
    /** Tell clients, disconnect them, close the adapter and Redis. */
    async close(reason: string) {
      slow.stop();
      metrics().setSocketSource(null);
      await disconnectAll(namespaces, reason);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      setHub(undefined);
      if (redisClient) await redisClient.quit().catch(() => redisClient?.destroy());
    },
  };
}

/** The Socket.IO server: transport limits, CORS and origin allowlist, the Redis Streams adapter with REDIS_URL. */
function createIo(httpServer: HttpServer, config: AppConfig, dev: boolean, redisClient: RedisClient | null) {
  const adapter = redisClient
    ? // Loaded only with REDIS_URL (lib/lazy.ts: memory at rest).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require("@socket.io/redis-streams-adapter") as typeof RedisStreamsAdapterModule).createAdapter(redisClient, {
        streamName: `${config.redisPrefix}:socket.io`,
        channelPrefix: `${config.redisPrefix}:socket.io`,
        sessionKeyPrefix: `${config.redisPrefix}:sio:session:`,
        onlyPlaintext: true,
      })
    : undefined;
  const io = new Server(httpServer, {
    path: "/socket.io/",
    maxHttpBufferSize: TRANSPORT_MAX_BYTES,
    // Next's dev server needs its own websocket upgrades (HMR): do not destroy what Socket.IO does not own.
    destroyUpgrade: !dev,
    cors: config.corsOrigins.length ? { origin: config.corsOrigins, credentials: true } : undefined,
    // PUBLIC_URL is this server's own origin even when a proxy passes another Host.
    allowRequest: (req, cb) => {
      const ok = originAllowed(req, config.publicUrl ? [...config.corsOrigins, config.publicUrl] : config.corsOrigins);
      cb(ok ? null : "origin not allowed", ok);
    },
    ...(adapter ? { adapter } : {}),
  });
  return io;
}

const NO_AUTH: Record<string, never> = Object.freeze({});

/** Handshake middleware: the connection rate limit per address, then the credential (auth.token, ?token= or the cookie). */
async function authenticate(socket: Socket, next: (err?: Error) => void) {
  try {
    const retry = await take("connect", `ip:${socket.handshake.address}`);
    if (retry !== null) return next(connectError("RATE_LIMITED", `Too many connections from this address; try again in ${Math.ceil(retry / 1000)} s`));
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown };
    const query = socket.handshake.query.token;
    const token = typeof auth.token === "string" && auth.token ? auth.token : typeof query === "string" ? query : null;
    const r = await identify({ token, cookie: socket.handshake.headers.cookie });
    if (!r.ok) {
      refuseCredential(r.reason, "socket", { namespace: socket.nsp.name, ip: socket.handshake.address });
      return next(connectError(r.code, r.message));
    }
    socket.data = { user: r.caller, connectionId: randomUUID() };
    // The credential is not kept in the handshake for the socket's life (memory per connection, and
    // fetchSockets would carry it to other processes): auth:refresh brings a new one when needed.
    if (typeof auth.token === "string") {
      const { token: _token, ...rest } = auth as Record<string, unknown>;
      socket.handshake.auth = Object.keys(rest).length ? rest : NO_AUTH;
    }
    next();
  } catch (e) {
    // The database is away: not the credential's fault (a client must not sign out); it may retry.
    if (isDatabaseUnavailable(e)) return next(connectError("SERVICE_UNAVAILABLE", "The database is not reachable right now; try again shortly"));
    logger().error(errInfo(e), "[socket] auth failed");
    next(connectError("AUTH_FAILED", "Could not verify the credential"));
  }
}

/** Who a connection is, for its log lines (never the credential). */
const who = (socket: AppSocket) => {
  const { user, connectionId } = socket.data;
  return { connection_id: connectionId, user_id: user.id, credential: user.credential, token_id: user.tokenId ?? null, agent_id: user.agentId ?? null, namespace: socket.nsp.name, ip: socket.handshake.address, transport: socket.conn.transport.name };
};

/**
 * A new socket: its commands (synchronously, so its first emits are not lost), rooms, credential, the domains'
 * hooks. Every listener is shared (made once in createRealtime); the socket's state is on socket.data.
 */
function onConnection(socket: AppSocket, listeners: Listeners, hooks: ConnectionHooks[], onDisconnect: (this: AppSocket, reason: string) => void) {
  listeners.attach(socket);
  const { user, connectionId } = socket.data;
  // A project-scoped token does not get its user's room: notifications, member.added and project.* copies there
  // concern all of the user's projects (REST filters them by scope; a broadcast room cannot).
  void socket.join(user.scope ? [rooms.global] : [rooms.user(user.id), rooms.global]);
  trackCredential(socket); // the token's and the account's internal rooms, expiry
  // Opened and closed connections: counted and logged (who, which credential; never the credential).
  metrics().connectionsOpened.inc();
  socketLog.info(who(socket), "socket connected");
  for (const h of hooks) h.onConnect?.(socket);
  socket.on("disconnect", onDisconnect);
  socket.emit("connection_established", {
    type: "connection.established",
    timestamp: new Date().toISOString(),
    data: { connection_id: connectionId, user_id: user.id, protocol_version: PROTOCOL_VERSION },
  });
}

function socketDisconnected(socket: AppSocket, reason: string, hooks: ConnectionHooks[]) {
  untrackCredential(socket);
  metrics().connectionsClosed.inc({ reason });
  socketLog.info({ ...who(socket), reason }, "socket disconnected");
  for (const h of hooks) h.onDisconnect?.(socket, reason);
}

/**
 * Redis came back: broadcasts other processes made meanwhile never reached this process's sockets.
 * Tell them to re-subscribe their rooms with `since` (the events are in the log).
 */
function resyncAfterRedisReturns(namespaces: Namespace[], redisClient: RedisClient) {
  redisClient.on("ready", () => {
    // Cache invalidations other processes sent meanwhile were missed: read everything again.
    clearCaches();
    metrics().resyncs.inc();
    for (const nsp of namespaces) {
      nsp.local.emit("resync", { type: "server.resync", timestamp: new Date().toISOString(), data: { reason: "redis_reconnected" } });
    }
  });
}

/** This process's connections and rooms (excluding per-socket rooms), for the metrics gauges. */
function localSocketCounts(namespaces: Namespace[]): SocketSource {
  return {
    connections: () => namespaces.reduce((n, nsp) => n + nsp.sockets.size, 0),
    rooms: () => {
      let n = 0;
      for (const nsp of namespaces) for (const [room, members] of nsp.adapter.rooms) if (!members.has(room)) n++;
      return n;
    },
  };
}

/**
 * Shutdown: tell this process's clients, then a proper disconnect packet ("io server disconnect"). The packet
 * (compressed asynchronously) must reach the wire before the process closes the connections: wait for each
 * WebSocket's closing handshake, at most a second.
 */
async function disconnectAll(namespaces: Namespace[], reason: string) {
  for (const nsp of namespaces) {
    nsp.local.emit("server_shutdown", { type: "server.shutdown", timestamp: new Date().toISOString(), data: { reason } });
  }
  const closed: Promise<unknown>[] = [];
  for (const nsp of namespaces) {
    for (const socket of nsp.sockets.values()) {
      const ws = (socket.conn.transport as unknown as { socket?: { once?: (e: string, f: () => void) => void } }).socket;
      if (ws?.once) closed.push(new Promise<void>((resolve) => ws.once!("close", resolve)));
    }
  }
  for (const nsp of namespaces) nsp.local.disconnectSockets(true);
  if (closed.length) await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 1000).unref())]);
}
