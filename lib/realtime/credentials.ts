// A socket's credential over its life: the internal rooms it implies (token:<id>, so that revoking the token
// disconnects it; account:<user id>, so that disabling the account disconnects every socket of it), disconnection
// with AUTH_FAILED when it expires, and auth:refresh to extend it.
import { identify, type Caller } from "../auth/identify";
import { tokenRoom } from "../auth/api-tokens";
import { refuseCredential } from "../auth/refusals";
import { internalRooms as internal } from "../contract/rooms";
import { EXPIRY_TIMER, type AppSocket } from "./socket";

const MAX_TIMER_MS = 2_147_000_000; // setTimeout's limit (~24.8 days); longer expiries re-arm

function authError(socket: AppSocket, message: string) {
  socket.emit("auth_error", { type: "auth.error", timestamp: new Date().toISOString(), data: { code: "AUTH_FAILED", message } });
  socket.disconnect(true);
}

/** The expiry timer's callback (one function for every socket; the socket is its argument). */
function expire(socket: AppSocket) {
  socket[EXPIRY_TIMER] = undefined;
  const exp = socket.data.user.expiresAt;
  if (exp && new Date(exp).getTime() - Date.now() > 1000) return arm(socket); // beyond setTimeout's range: re-arm
  authError(socket, "The credential has expired; refresh it with auth:refresh before it expires");
}

function arm(socket: AppSocket) {
  if (socket[EXPIRY_TIMER]) clearTimeout(socket[EXPIRY_TIMER]);
  socket[EXPIRY_TIMER] = undefined;
  const exp = socket.data.user.expiresAt;
  if (!exp) return;
  const ms = new Date(exp).getTime() - Date.now();
  if (ms <= 0) return authError(socket, "The credential has expired");
  const t = setTimeout(expire, Math.min(ms, MAX_TIMER_MS), socket);
  t.unref();
  socket[EXPIRY_TIMER] = t;
}

/** On disconnect (called by the server's one disconnect listener): stop the expiry timer. */
export function untrackCredential(socket: AppSocket) {
  if (socket[EXPIRY_TIMER]) clearTimeout(socket[EXPIRY_TIMER]);
  socket[EXPIRY_TIMER] = undefined;
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
