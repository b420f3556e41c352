// Socket.IO on the app's HTTP server: namespaces "/" and "/ws", auth middleware, CORS allowlist,
// Redis Streams adapter when REDIS_URL is set.
import type { Server as HttpServer, IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import { Server, type Namespace } from "socket.io";
import type { RedisClient } from "./redis";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { AppConfig } from "../config";
import { identify } from "../auth/identify";
import { attachHandlers, type AppSocket } from "./handlers";
import { PROTOCOL_VERSION, rooms } from "./events";
import { setHub, type Hub } from "./hub";
import { take } from "../limits";
import { isDatabaseUnavailable } from "../errors";
import { metrics } from "../metrics";
import { orderLocalDelivery } from "./ordered-adapter";
import { slowClientGuard } from "./slow-clients";
import { startThroughputSampler } from "../admin/metrics";
import { trackCredential } from "./credentials";
import { sweepPresence } from "../agents/service";
import { refuseCredential } from "../auth/refusals";
import { errInfo, log, logger } from "../logger";

const socketLog = log("socket");

export const NAMESPACES = ["/", "/ws"] as const;
/** Frames above this close the transport; commands between 1 MiB and this get a PAYLOAD_TOO_LARGE ack. */
export const TRANSPORT_MAX_BYTES = 4 * 1024 * 1024;

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

export function createRealtime(
  httpServer: HttpServer,
  config: AppConfig,
  opts: { dev?: boolean; redisClient?: RedisClient | null } = {},
) {
  const redisClient = opts.redisClient ?? null;
  const adapter = redisClient
    ? createAdapter(redisClient, {
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
    destroyUpgrade: !opts.dev,
    cors: config.corsOrigins.length ? { origin: config.corsOrigins, credentials: true } : undefined,
    // PUBLIC_URL is this server's own origin even when a proxy passes another Host.
    allowRequest: (req, cb) => {
      const ok = originAllowed(req, config.publicUrl ? [...config.corsOrigins, config.publicUrl] : config.corsOrigins);
      cb(ok ? null : "origin not allowed", ok);
    },
    ...(adapter ? { adapter } : {}),
  });

  const namespaces: Namespace[] = NAMESPACES.map((n) => io.of(n));
  for (const nsp of namespaces) {
    nsp.use(async (socket, next) => {
      try {
        const retry = await take("connect", `ip:${socket.handshake.address}`);
        if (retry !== null) return next(connectError("RATE_LIMITED", `Too many connections from this address; try again in ${Math.ceil(retry / 1000)} s`));
        const auth = (socket.handshake.auth ?? {}) as { token?: unknown };
        const query = socket.handshake.query.token;
        const token = typeof auth.token === "string" && auth.token ? auth.token : typeof query === "string" ? query : null;
        const r = await identify({ token, cookie: socket.handshake.headers.cookie });
        if (!r.ok) {
          refuseCredential(r.reason, "socket", { namespace: nsp.name, ip: socket.handshake.address });
          return next(connectError(r.code, r.message));
        }
        socket.data = { user: r.caller, connectionId: randomUUID() };
        next();
      } catch (e) {
        // The database is away: not the credential's fault (a client must not sign out); it may retry.
        if (isDatabaseUnavailable(e)) return next(connectError("SERVICE_UNAVAILABLE", "The database is not reachable right now; try again shortly"));
        logger().error(errInfo(e), "[socket] auth failed");
        next(connectError("AUTH_FAILED", "Could not verify the credential"));
      }
    });
    nsp.on("connection", (raw) => {
      const socket = raw as AppSocket;
      attachHandlers(socket); // synchronously, so the client's first emits are not lost
      const { user, connectionId } = socket.data;
      void socket.join([rooms.user(user.id), rooms.global]);
      // Opened and closed connections: counted and logged (who, which credential; never the credential).
      metrics().connectionsOpened.inc();
      const who = { connection_id: connectionId, user_id: user.id, credential: user.credential, token_id: user.tokenId ?? null, agent_id: user.agentId ?? null, namespace: nsp.name, ip: socket.handshake.address, transport: socket.conn.transport.name };
      socketLog.info(who, "socket connected");
      socket.on("disconnect", (reason) => {
        metrics().connectionsClosed.inc({ reason });
        socketLog.info({ ...who, reason }, "socket disconnected");
      });
      trackCredential(socket); // internal token/presence rooms, expiry, agent presence
      socket.emit("connection_established", {
        type: "connection.established",
        timestamp: new Date().toISOString(),
        data: { connection_id: connectionId, user_id: user.id, protocol_version: PROTOCOL_VERSION },
      });
    });
  }

  if (redisClient) {
    orderLocalDelivery(namespaces);
    // Redis came back: broadcasts other processes made meanwhile never reached this process's sockets.
    // Tell them to re-subscribe their rooms with `since` (the events are in the log).
    redisClient.on("ready", () => {
      metrics().resyncs.inc();
      for (const nsp of namespaces) {
        nsp.local.emit("resync", { type: "server.resync", timestamp: new Date().toISOString(), data: { reason: "redis_reconnected" } });
      }
    });
  }
  const slow = slowClientGuard(namespaces, config.socketMaxBufferBytes);
  startThroughputSampler();

  const hub: Hub = { io, namespaces, redis: redisClient ? { ok: () => !!redisClient?.isReady } : null, afterLocalEmit: slow.afterLocalEmit };
  setHub(hub);
  // Agents left "online" by a process that died: offline unless some process still holds a connection.
  setTimeout(() => void sweepPresence().catch((e) => logger().error(errInfo(e), "[agents] presence sweep failed")), 2000).unref();

  return {
    io,
    hub,
    /** Tell clients, disconnect them, close the adapter and Redis. */
    async close(reason: string) {
      slow.stop();
      for (const nsp of namespaces) {
        nsp.local.emit("server_shutdown", { type: "server.shutdown", timestamp: new Date().toISOString(), data: { reason } });
      }
      // A proper disconnect packet ("io server disconnect"), for this process's clients only. The packet
      // (compressed asynchronously) must reach the wire before the process closes the connections: wait
      // for each WebSocket's closing handshake, at most a second.
      const closed: Promise<unknown>[] = [];
      for (const nsp of namespaces) {
        for (const socket of nsp.sockets.values()) {
          const ws = (socket.conn.transport as unknown as { socket?: { once?: (e: string, f: () => void) => void } }).socket;
          if (ws?.once) closed.push(new Promise<void>((resolve) => ws.once!("close", resolve)));
        }
      }
      for (const nsp of namespaces) nsp.local.disconnectSockets(true);
      if (closed.length) await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 1000).unref())]);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      setHub(undefined);
      if (redisClient) await redisClient.quit().catch(() => redisClient?.destroy());
    },
  };
}
