// A socket's credential over its life: the internal rooms it implies (token:<id>, so that revoking the token
// disconnects it; account:<user id>, so that disabling the account disconnects every socket of it), disconnection
// with AUTH_FAILED when it expires, and auth:refresh to extend it.
import { identify, type Caller } from "../auth/identify";
import { tokenRoom } from "../auth/api-tokens";
import { refuseCredential } from "../auth/refusals";
import { internalRooms as internal } from "../contract/rooms";
import { EXPIRY_AT, type AppSocket } from "./socket";

const MAX_TIMER_MS = 2_147_000_000; // setTimeout's limit (~24.8 days); longer expiries re-arm

function authError(socket: AppSocket, message: string) {
  socket.emit("auth_error", { type: "auth.error", timestamp: new Date().toISOString(), data: { code: "AUTH_FAILED", message } });
  socket.disconnect(true);
}

/**
 * Expiry timers shared by the sockets whose credentials expire at the same moment (every socket of one JWT or
 * API token): one timer and one Set per expiry instant rather than a timer (and, each with its own delay, a
 * timer list) per socket. A socket costs one Set entry; the socket keeps only the instant (EXPIRY_AT).
 */
type Expiry = { sockets: Set<AppSocket>; timer: NodeJS.Timeout };
const expiries = new Map<number, Expiry>();

function startTimer(at: number): NodeJS.Timeout {
  const t = setTimeout(expire, Math.max(0, Math.min(at - Date.now(), MAX_TIMER_MS)), at);
  t.unref();
  return t;
}

/** An expiry instant came: its sockets are disconnected with AUTH_FAILED (re-armed while beyond setTimeout's range). */
function expire(at: number) {
  const e = expiries.get(at);
  if (!e) return;
  if (at - Date.now() > 1000) {
    e.timer = startTimer(at);
    return;
  }
  expiries.delete(at);
  for (const socket of e.sockets) {
    socket[EXPIRY_AT] = undefined;
    authError(socket, "The credential has expired; refresh it with auth:refresh before it expires");
  }
}

/** Stop watching this socket's expiry. */
function disarm(socket: AppSocket) {
  const at = socket[EXPIRY_AT];
  if (at === undefined) return;
  socket[EXPIRY_AT] = undefined;
  const e = expiries.get(at);
  if (!e) return;
  e.sockets.delete(socket);
  if (e.sockets.size === 0) {
    clearTimeout(e.timer);
    expiries.delete(at);
  }
}

function arm(socket: AppSocket) {
  disarm(socket);
  const exp = socket.data.user.expiresAt;
  if (!exp) return;
  const at = new Date(exp).getTime();
  if (at - Date.now() <= 0) return authError(socket, "The credential has expired");
  let e = expiries.get(at);
  if (!e) expiries.set(at, (e = { sockets: new Set(), timer: startTimer(at) }));
  e.sockets.add(socket);
  socket[EXPIRY_AT] = at;
}

/** On disconnect (called by the server's one disconnect listener): stop watching the expiry. */
export function untrackCredential(socket: AppSocket) {
  disarm(socket);
}

const internalRooms = (c: Caller) => [internal.account(c.id), ...(c.tokenId ? [tokenRoom(c.tokenId)] : [])];

/** On connection: join the credential's internal rooms and arm the expiry (untrackCredential on disconnect). */
export function trackCredential(socket: AppSocket) {
  void socket.join(internalRooms(socket.data.user));
  arm(socket);
}

/** auth:refresh: a new credential for the same user (and the same agent); the old one stays on failure. */
export async function refreshCredential(socket: AppSocket, token: string): Promise<{ ok: true; expiresAt: Date | null } | { ok: false; message: string }> {
  const r = await identify({ token });
  if (!r.ok) {
    refuseCredential(r.reason, "socket_refresh", { user_id: socket.data.user.id });
    return { ok: false, message: r.message };
  }
  const old = socket.data.user;
  if (r.caller.id !== old.id) return { ok: false, message: "The new token belongs to another user" };
  if ((r.caller.agentId ?? null) !== (old.agentId ?? null)) return { ok: false, message: "The new token belongs to another agent" };
  if (!socket.connected) return { ok: false, message: "The socket is disconnected" };
  // The same agent: its presence room (joined by the agents' connection hook) stays.
  for (const room of internalRooms(old)) if (!internalRooms(r.caller).includes(room)) void socket.leave(room);
  socket.data.user = r.caller;
  const internal = internalRooms(r.caller);
  if (internal.length) void socket.join(internal);
  arm(socket);
  return { ok: true, expiresAt: r.caller.expiresAt };
}
