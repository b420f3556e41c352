// The realtime hub, a part of the runtime (lib/runtime.ts): createRealtime sets it, route handlers read it.
// With publish() (./publish.ts) and the room helpers (./rooms.ts), these are what the domains use of
// realtime: disconnectRoom and socketCounts work across processes through the Socket.IO adapter.
import type { Server, Namespace } from "socket.io";
import { peekPart, setPart } from "../runtime";

export type Hub = {
  io: Server;
  namespaces: Namespace[];
  redis: { ok: () => boolean } | null;
  /** Called after an event was delivered to this process's sockets of a room (slow-client check). */
  afterLocalEmit?: (room: string) => void;
};

export const setHub = (hub: Hub | undefined) => setPart("hub", hub);
export const getHub = (): Hub | undefined => peekPart<Hub>("hub");

/** Send every socket of a room the auth_error event and disconnect it (all processes). */
export function disconnectRoom(room: string, message: string): void {
  const hub = getHub();
  if (!hub) return;
  for (const nsp of hub.namespaces) {
    nsp.in(room).emit("auth_error" as never, { type: "auth.error", timestamp: new Date().toISOString(), data: { code: "AUTH_FAILED", message } } as never);
    nsp.in(room).disconnectSockets(true);
  }
}

/**
 * auth_error and disconnect for the sockets of a room (all processes) that came with a session cookie or a
 * Bearer JWT, except those of the browser session keepSessionId (API-token sockets stay). Asks every process
 * for its sockets (fetchSockets; with Redis, bounded by the adapter's request timeout).
 */
export async function endSessionSockets(room: string, keepSessionId: string | null, message: string): Promise<number> {
  const hub = getHub();
  if (!hub) return 0;
  let ended = 0;
  const payload = { type: "auth.error", timestamp: new Date().toISOString(), data: { code: "AUTH_FAILED", message } };
  for (const nsp of hub.namespaces) {
    for (const s of await nsp.in(room).fetchSockets()) {
      const user = (s.data as { user?: { credential?: string; sessionId?: string } }).user;
      if (!user || user.credential === "api_token") continue;
      if (keepSessionId && user.credential === "cookie" && user.sessionId === keepSessionId) continue;
      s.emit("auth_error" as never, payload as never);
      s.disconnect(true);
      ended++;
    }
  }
  return ended;
}

/** Open sockets per room, over every namespace and process (rooms without sockets are left out). */
export async function socketCounts(rooms: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const hub = getHub();
  if (!hub || rooms.length === 0) return counts;
  const wanted = new Set(rooms);
  for (const nsp of hub.namespaces) {
    for (const s of await nsp.in(rooms).fetchSockets()) {
      for (const r of s.rooms) if (wanted.has(r)) counts.set(r, (counts.get(r) ?? 0) + 1);
    }
  }
  return counts;
}
