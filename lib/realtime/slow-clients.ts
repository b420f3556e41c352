// Slow clients: a socket that stops reading must not grow server memory without bound. Its outgoing
// bytes (engine.io's write buffer while the transport is busy, plus what the websocket / TCP socket holds
// in user space) are checked after deliveries to its rooms (at most every 100 ms) and once a second; past
// SOCKET_MAX_BUFFER_BYTES the buffered packets are dropped and the connection is cut at once.
import { logger } from "../logger";
import type { Namespace, Socket } from "socket.io";
import { metrics } from "../metrics";
import { every } from "../runtime";

type EnginePacket = { data?: unknown };
type EngineConn = {
  writeBuffer: EnginePacket[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void; _socket?: { writableLength?: number } } };
};

const packetBytes = (p: EnginePacket) => {
  const d = p.data;
  if (typeof d === "string") return d.length + 8;
  if (d && typeof (d as ArrayBufferLike).byteLength === "number") return (d as ArrayBufferLike).byteLength + 8;
  return 8;
};

/** Bytes waiting to go out to this socket's connection. */
function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as EngineConn;
  let n = 0;
  for (const p of conn.writeBuffer) n += packetBytes(p);
  const ws = conn.transport?.socket;
  if (ws) n += ws.bufferedAmount ?? ws._socket?.writableLength ?? 0;
  return n;
}

function cut(socket: Socket, bytes: number, limit: number) {
  const conn = socket.conn as unknown as EngineConn;
  logger().warn(`[socket] slow client ${socket.id} (user ${(socket.data as { user?: { id?: string } })?.user?.id ?? "?"}): ${bytes} bytes buffered > ${limit}; disconnecting`);
  metrics().slowClientDisconnects.inc();
  conn.writeBuffer.length = 0; // nothing more goes out to it
  // A websocket is destroyed at once (a close frame would queue behind the unread data); polling just closes.
  conn.transport?.socket?.terminate?.();
  socket.disconnect(true);
}

export function slowClientGuard(namespaces: Namespace[], limit: number) {
  const check = (socket: Socket) => {
    if (!socket.connected) return;
    const bytes = bufferedBytes(socket);
    if (bytes > limit) cut(socket, bytes, limit);
  };
  const stop = every("slow-clients", 1000, () => {
    for (const nsp of namespaces) for (const s of nsp.sockets.values()) check(s);
  });
  // The per-delivery check runs at most every 100 ms, so a busy room does not add a scan of all its members
  // to every publish (the timer above still covers every socket each second).
  let lastRoomCheck = 0;
  return {
    /** After a delivery to a room: check its local members. */
    afterLocalEmit(room: string) {
      const now = performance.now();
      if (now - lastRoomCheck < 100) return;
      lastRoomCheck = now;
      for (const nsp of namespaces) {
        const ids = nsp.adapter.rooms.get(room);
        if (!ids) continue;
        for (const id of ids) {
          const s = nsp.sockets.get(id);
          if (s) check(s);
        }
      }
    },
    stop,
  };
}
