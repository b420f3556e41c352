// The client side of the realtime protocol, free of React and of the platform: connection state,
// reference-counted rooms that survive reconnects (re-joined with `since` so missed events are replayed), and
// envelope dedupe. The dashboard (lib/client/realtime.tsx) and connect() (./client.ts) both run on it.
// Works in browsers and in Node (window/navigator are used when they exist).
import type { Socket } from "socket.io-client";
import { isEventType, type AnyEnvelope, type ClientToServerEvents, type JoinAck, type AckError, type ServerToClientEvents } from "../../../lib/contract/index";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";

export type RealtimeHandlers = {
  /** A new (not yet seen) envelope of any room this socket is in. */
  onEnvelope(env: AnyEnvelope): void;
  /** A room was joined without `since`: cached data read before the join may have missed events. */
  onFreshJoin(room: string): void;
  /**
   * A join with `since` answered `reset: true`: retention deleted events of the room after `since`, so what
   * was replayed is not the whole story; refetch the room's state (docs/DELIVERY.md).
   */
  onReset(room: string): void;
  /** The server refused the credential: the session is gone. */
  onAuthError(code: string): void;
  /** A join (or re-join) of a room was answered (optional). */
  onJoin?(room: string, ack: JoinAck & { status: "success" }, since: string | undefined): void;
  /** The server refused a room for good (ROOM_ACCESS_DENIED, INVALID_ROOM) (optional; else a console warning). */
  onJoinRefused?(room: string, ack: AckError): void;
  /** The connection came up (again) (optional). */
  onConnect?(): void;
};

const ACK_TIMEOUT_MS = 10_000;
const RETRY_MS = 3_000;
const SEEN_MAX = 5_000;
/** Consecutive failed attempts after which "reconnecting" becomes "offline" (retries go on). */
const OFFLINE_AFTER_FAILURES = 3;
const AUTH_CODES = new Set(["AUTH_MISSING", "AUTH_FAILED"]);
const GLOBAL_ROOM = "global";

/** Whether the platform says it is offline (browsers); Node has no navigator.onLine: always "online". */
const platformOffline = () => typeof navigator !== "undefined" && (navigator as { onLine?: boolean }).onLine === false;
type WindowLike = { addEventListener(e: string, l: () => void): void; removeEventListener(e: string, l: () => void): void };
const windowLike = (): WindowLike | null => {
  const w = (globalThis as { window?: Partial<WindowLike> }).window;
  return w && typeof w.addEventListener === "function" && typeof w.removeEventListener === "function" ? (w as WindowLike) : null;
};

const isEnvelope = (v: unknown): v is AnyEnvelope =>
  !!v && typeof v === "object" && typeof (v as AnyEnvelope).id === "string" && /^\d+$/.test((v as AnyEnvelope).id) && typeof (v as AnyEnvelope).room === "string";

export class RealtimeClient {
  private state: ConnectionState = "connecting";
  private stateListeners = new Set<() => void>();
  private socket: AppSocket | null = null;
  private detach: (() => void) | null = null;

  /** Rooms components want, with how many want each. */
  private wanted = new Map<string, number>();
  /** Rooms joined on the current connection. */
  private joined = new Set<string>();
  /** Per wanted room: the newest event id received; everything after the join up to it was seen. */
  private lastId = new Map<string, bigint>();
  /** Per room: the chain that serialises subscribe/unsubscribe so acks cannot cross. */
  private chains = new Map<string, Promise<void>>();
  /** Bumped on every connect and disconnect; work from an older connection is dropped. */
  private generation = 0;
  private seen = new Set<string>();
  private failures = 0;
  /** Bumped by every `resync`: a join answered after it may predate what the resync is about. */
  private resyncs = 0;
  private everConnected = false;

  constructor(private handlers: RealtimeHandlers) {
    // The server puts every socket in `global` at connect. Named here, from id 0, it is re-joined with
    // `since` on every reconnect like any wanted room, so what it carried during the outage is replayed
    // (it was not: a reconnect silently skipped it).
    this.wanted.set(GLOBAL_ROOM, 1);
    this.lastId.set(GLOBAL_ROOM, 0n);
  }

  /* ---------- connection state (useSyncExternalStore) ---------- */

  getState = (): ConnectionState => this.state;

  subscribeState = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  private setState(next: ConnectionState) {
    if (next === this.state) return;
    this.state = next;
    for (const l of this.stateListeners) l();
  }

  /* ---------- lifecycle ---------- */

  start(socket: AppSocket): () => void {
    this.socket = socket;
    const onConnect = () => {
      this.generation++;
      this.failures = 0;
      this.everConnected = true;
      this.joined.clear();
      this.chains.clear();
      this.setState("connected");
      for (const room of this.wanted.keys()) this.sync(room);
      this.handlers.onConnect?.();
    };
    const onDisconnect = (reason: string) => {
      this.generation++;
      this.joined.clear();
      this.chains.clear();
      if (reason === "io client disconnect") return; // stop() or a deliberate reconnect set the state
      this.setState(platformOffline() ? "offline" : "reconnecting");
      // Socket.IO does not retry after a server-side disconnect (e.g. a revoked token): try once more;
      // a refused credential then surfaces as connect_error.
      if (reason === "io server disconnect") setTimeout(() => this.socket === socket && socket.connect(), RETRY_MS);
    };
    const onConnectError = (err: Error) => {
      if (AUTH_CODES.has(err.message)) {
        this.setState("offline");
        return this.handlers.onAuthError(err.message);
      }
      this.failures++;
      const gaveUp = !socket.active; // a middleware refusal (e.g. RATE_LIMITED) is not retried by Socket.IO
      if (gaveUp) setTimeout(() => this.socket === socket && !socket.connected && socket.connect(), RETRY_MS * 2);
      const offline = gaveUp || platformOffline() || this.failures >= OFFLINE_AFTER_FAILURES;
      this.setState(offline ? "offline" : this.everConnected ? "reconnecting" : "connecting");
    };
    const onShutdown = () => this.setState("reconnecting");
    // The server lost touch with the other processes for a while (Redis): re-join every room with `since`
    // so the events it could not relay are replayed from the log (duplicates are dropped by id).
    const onResync = () => {
      this.resyncs++;
      this.joined.clear();
      for (const room of this.wanted.keys()) this.sync(room);
    };
    const onAny = (name: string, env: unknown) => {
      if (isEventType(name) && isEnvelope(env)) this.receive(env);
    };
    const onOffline = () => this.setState("offline");
    // Back online: the old transport may have silently lost frames, so start a fresh connection;
    // re-joining with `since` replays whatever was missed.
    const onOnline = () => {
      if (socket.connected) socket.disconnect();
      this.setState(this.everConnected ? "reconnecting" : "connecting");
      socket.connect();
    };

    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    socket.on("connect_error", onConnectError);
    socket.on("server_shutdown", onShutdown);
    socket.on("resync", onResync);
    socket.onAny(onAny);
    const win = windowLike();
    win?.addEventListener("offline", onOffline);
    win?.addEventListener("online", onOnline);
    if (socket.connected) onConnect();
    else socket.connect();

    this.detach = () => {
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      socket.off("connect_error", onConnectError);
      socket.off("server_shutdown", onShutdown);
      socket.off("resync", onResync);
      socket.offAny(onAny);
      win?.removeEventListener("offline", onOffline);
      win?.removeEventListener("online", onOnline);
    };
    return () => this.stop();
  }

  stop() {
    this.detach?.();
    this.detach = null;
    const socket = this.socket;
    this.socket = null;
    this.generation++;
    this.joined.clear();
    this.chains.clear();
    socket?.disconnect();
    this.setState("connecting");
  }

  /** Try to connect now instead of waiting for the next back-off step. */
  retry() {
    if (this.socket && !this.socket.connected) {
      this.setState(this.everConnected ? "reconnecting" : "connecting");
      this.socket.connect();
    }
  }

  /* ---------- rooms ---------- */

  /**
   * Want a room until the returned function is called (reference-counted). `since` (an event id, "0" for
   * the room's whole history): join replaying what came after it, for state built from the room's events.
   */
  acquire(room: string, since?: string): () => void {
    const n = (this.wanted.get(room) ?? 0) + 1;
    this.wanted.set(room, n);
    if (since !== undefined && /^\d+$/.test(since)) {
      const have = this.lastId.get(room);
      if (have === undefined || BigInt(since) < have) this.lastId.set(room, BigInt(since));
    }
    if (n === 1) this.sync(room);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.wanted.get(room) ?? 1) - 1;
      if (left > 0) this.wanted.set(room, left);
      else {
        this.wanted.delete(room);
        this.sync(room);
      }
    };
  }

  /** History loaded up to `id` for a wanted room: a later (re)join only needs what came after. */
  noteSeen(room: string, id: string) {
    if (!this.wanted.has(room) || !/^\d+$/.test(id)) return;
    const n = BigInt(id);
    if (n > (this.lastId.get(room) ?? 0n)) this.lastId.set(room, n);
  }

  private receive(env: AnyEnvelope) {
    if (this.seen.has(env.id)) return;
    this.seen.add(env.id);
    if (this.seen.size > SEEN_MAX) {
      let drop = SEEN_MAX / 5;
      for (const id of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(id);
      }
    }
    this.noteSeen(env.room, env.id);
    this.handlers.onEnvelope(env);
  }

  /** Bring one room's server-side membership in line with `wanted`, after any earlier command for it. */
  private sync(room: string) {
    const prev = this.chains.get(room) ?? Promise.resolve();
    const next = prev.then(() => this.reconcile(room)).catch(() => undefined);
    this.chains.set(room, next);
  }

  private async reconcile(room: string) {
    const socket = this.socket;
    const wanted = this.wanted.has(room);
    if (!socket?.connected) {
      if (!wanted) this.lastId.delete(room);
      return;
    }
    const gen = this.generation;
    const resyncs = this.resyncs;
    if (wanted && !this.joined.has(room)) {
      const since = this.lastId.get(room);
      const payload = since !== undefined ? { room, since: since.toString() } : { room };
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("subscribe", payload).catch(() => null);
      if (gen !== this.generation) return; // the connection changed; onConnect re-syncs every wanted room
      if (ack?.status === "success") {
        // A resync came while this join was under way: its replay may predate what was lost, so the room is
        // left "not joined" and the resync's own pass (queued behind this one) joins it again with `since`.
        this.joined.add(room);
        if (resyncs !== this.resyncs && this.wanted.has(room)) this.joined.delete(room);
        // Everything up to latest_id was replayed (or deleted by retention): a later re-join starts there.
        if (typeof ack.latest_id === "string") this.noteSeen(room, ack.latest_id);
        // A fresh join of a room that never had an event: everything it will carry comes after 0.
        else if (ack.latest_id === null && !this.lastId.has(room)) this.lastId.set(room, 0n);
        this.handlers.onJoin?.(room, ack, since?.toString());
        if (since === undefined) this.handlers.onFreshJoin(room);
        else if (ack.reset === true) this.handlers.onReset(room);
        if (!this.wanted.has(room)) this.sync(room); // released while joining
        return;
      }
      if (ack && (ack.code === "ROOM_ACCESS_DENIED" || ack.code === "INVALID_ROOM")) {
        if (this.handlers.onJoinRefused) this.handlers.onJoinRefused(room, ack);
        else console.warn(`[realtime] cannot join ${room}: ${String(ack.message).slice(0, 200)}`);
        return;
      }
      // Full (TOO_MANY_ROOMS): try again much later, when the socket may have left some rooms.
      const delay = ack?.code === "TOO_MANY_ROOMS" ? RETRY_MS * 10 : RETRY_MS;
      setTimeout(() => gen === this.generation && this.wanted.has(room) && this.sync(room), delay);
    } else if (!wanted) {
      this.lastId.delete(room);
      if (!this.joined.delete(room)) return;
      await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("unsubscribe", { room }).catch(() => null);
    }
  }
}
