// connect({url, token}): one Socket.IO connection with typed, replayed rooms (RealtimeClient: resubscribe with
// `since`, dedupe by id, resync), an outbox for agent commands that survives reconnects and server restarts
// (each command carries an idempotency key, so a re-send after a lost ack acts once), and a typed REST client
// generated from the OpenAPI document (openapi-fetch) whose mutations retry with an Idempotency-Key.
// Every input is bounded: the outbox (maxQueue), the dedupe set (RealtimeClient), retry time (retryForMs).
// The token is sent only as `auth.token` and `Authorization: Bearer`; it is never logged or put in an error.
import { io, type ManagerOptions, type SocketOptions } from "socket.io-client";
import createClient, { type Client } from "openapi-fetch";
import {
  MAX_PAYLOAD_BYTES,
  parseRoom,
  rooms,
  type AgentWorkType,
  type AnyEnvelope,
  type CommandAcks,
  type CommandName,
  type CommandPayload,
  type EventType,
  type JoinAck,
} from "../../../lib/contract/index";
import { RealtimeClient, type AppSocket, type ConnectionState } from "./realtime";
import { SwitchboardError, fromAck, fromRestError } from "./errors";
import type { paths } from "./openapi-types";

/** The envelopes of the given event types, narrowed on `type` (all of them when T is EventType). */
export type EnvelopeFor<T extends EventType = EventType> = Extract<AnyEnvelope, { type: T }>;
export type RoomTarget = string | { project_id: string };
export type SubscribeOptions<T extends EventType> = {
  /** Replay the room's events after this id first ("0": its whole kept history). Later re-joins go from the newest id seen. */
  since?: string | number;
  /** Only these event types reach the handler (it is typed for them). */
  types?: readonly T[];
  /** Retention deleted events after `since` (the replay is partial): refetch the state this room feeds. */
  onReset?: () => void;
};
export type Subscription = {
  room: string;
  /** The first join's ack (with `since`: `replayed`, `reset`, `oldest_id`, `latest_id`); rejects with ROOM_ACCESS_DENIED / INVALID_ROOM. */
  ready: Promise<JoinAck>;
  unsubscribe(): void;
};

export type ConnectOptions = {
  /** The server's origin, e.g. http://localhost:3000. */
  url: string;
  /** An API token (`sb_agt_…` for agents, `sb_pat_…`) or a JWT from POST /api/v1/auth/token. */
  token: string;
  /** Extra socket.io-client options (e.g. `transports`). */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** How long one command waits for its ack before it is sent again (default 10 s). */
  ackTimeoutMs?: number;
  /** How long a command or a REST mutation keeps being retried through outages before it fails (default 5 min). */
  retryForMs?: number;
  /** Commands that may wait while offline; more fail at once with QUEUE_FULL (default 1000). */
  maxQueue?: number;
  /** Bytes (as JSON) the waiting commands may hold together; more fail at once with QUEUE_FULL (default 16 MiB). */
  maxQueueBytes?: number;
  /** Errors nobody awaits: a refused room, a refused credential, a handler that threw. */
  onError?: (error: SwitchboardError | Error, context: { room?: string }) => void;
  fetch?: typeof fetch;
};

export type AgentEventOptions = { idempotency_key?: string };
type AgentData<T extends AgentWorkType> = AgentWorkData[T];
/** What each agent:* event carries (seed 001's shapes; lib/contract/agents.ts AGENT_WORK_DATA). */
export type AgentWorkData = {
  "agent:thought": { content: string };
  "agent:tool_call": { tool_name: string; status: string; message: string; arguments?: Record<string, unknown> };
  "agent:result": { status: string; content_type: string; content: string | Record<string, unknown> | unknown[] };
  "agent:error": { code: string; message: string; details?: unknown };
};

/** The JSON body of a POST route, as the OpenAPI document declares it (so the helpers never drift from the API). */
export type PostBody<P extends keyof paths> = NonNullable<NonNullable<paths[P]["post"]>["requestBody"]> extends { content: { "application/json": infer B } } ? B : never;

type Success<C extends CommandName> = Extract<CommandAcks[C], { status: "success" | "pong" }> | Exclude<CommandAcks[C], { status: string }>;
type Pending = { name: CommandName; payload: unknown; bytes: number; deadline: number; resolve: (v: unknown) => void; reject: (e: Error) => void };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newKey = () => globalThis.crypto.randomUUID();
const MAX_BACKOFF_MS = 5_000;

function retryAfterMs(res: Response, details: unknown): number | null {
  const d = (details as { retry_after_ms?: unknown } | null)?.retry_after_ms;
  if (typeof d === "number" && Number.isFinite(d)) return Math.min(Math.max(d, 50), 30_000);
  const h = Number(res.headers.get("retry-after"));
  return Number.isFinite(h) && h > 0 ? Math.min(h * 1000, 30_000) : null;
}

export class SwitchboardClient {
  readonly rest: Client<paths>;
  private readonly socket: AppSocket;
  private readonly realtime: RealtimeClient;
  private token: string;
  private readonly handlers = new Map<string, Set<{ handler: (env: AnyEnvelope) => void; types: ReadonlySet<string> | null; onReset?: () => void }>>();
  private readonly waiting = new Map<string, { resolve: (a: JoinAck) => void; reject: (e: Error) => void }[]>();
  private readonly lastAck = new Map<string, JoinAck>();
  private readonly outbox: Pending[] = [];
  private pumping = false;
  private closed = false;
  private authFailure: SwitchboardError | null = null;
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly ackTimeoutMs: number;
  private readonly retryForMs: number;
  private readonly maxQueue: number;
  private readonly maxQueueBytes: number;
  private queuedBytes = 0;
  private started = false;
  /** One per client, armed while the outbox holds commands: fails those past retryForMs, online or not. */
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;
  /** sendNow() calls under way: the outbox holds back meanwhile (the server's per-socket rate limit is shared). */
  private urgent = 0;

  constructor(private readonly opts: ConnectOptions) {
    const url = new URL(opts.url); // throws on a malformed URL
    this.token = opts.token;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 10_000;
    this.retryForMs = opts.retryForMs ?? 300_000;
    this.maxQueue = opts.maxQueue ?? 1000;
    this.maxQueueBytes = opts.maxQueueBytes ?? 16 * 1024 * 1024;
    const isBrowser = typeof (globalThis as { document?: unknown }).document !== "undefined";
    this.socket = io(url.origin, {
      autoConnect: false,
      transports: isBrowser ? undefined : ["websocket"],
      reconnectionDelayMax: 3_000,
      ...opts.socket,
      // A function, so a reconnect after auth.refresh() presents the new token.
      auth: (cb) => cb({ token: this.token }),
    }) as AppSocket;
    this.realtime = new RealtimeClient({
      onEnvelope: (env) => this.dispatch(env),
      onFreshJoin: () => {},
      onReset: (room) => this.handlers.get(room)?.forEach((h) => h.onReset?.()),
      onAuthError: (code) => {
        this.authFailure = new SwitchboardError("AUTH_FAILED", `The server refused the credential (${code === "AUTH_MISSING" ? "none was sent" : "invalid, expired or revoked"})`);
        for (const w of this.readyWaiters.splice(0)) w.reject(this.authFailure);
        // Nothing waiting can be sent with a refused credential (and auth:refresh needs a connection): fail it.
        for (const p of this.outbox.splice(0)) p.reject(this.authFailure);
        this.report(this.authFailure, {});
      },
      onJoin: (room, ack) => {
        this.lastAck.set(room, ack);
        for (const w of this.waiting.get(room)?.splice(0) ?? []) w.resolve(ack);
      },
      onJoinRefused: (room, ack) => {
        const e = fromAck(ack);
        const ws = this.waiting.get(room)?.splice(0) ?? [];
        for (const w of ws) w.reject(e);
        if (!ws.length) this.report(e, { room });
      },
      onConnect: () => {
        this.authFailure = null;
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        void this.pump();
      },
    });
    this.rest = createClient<paths>({ baseUrl: url.origin, fetch: opts.fetch });
    this.rest.use({
      onRequest: ({ request }) => {
        request.headers.set("authorization", `Bearer ${this.token}`);
        return request;
      },
    });
  }

  /* ---------- connection ---------- */

  /** The socket connects on first use (ready, subscribe, a command): a REST-only client never opens one. */
  private start() {
    if (this.started || this.closed) return;
    this.started = true;
    this.realtime.start(this.socket);
  }

  get state(): ConnectionState {
    return this.realtime.getState();
  }
  onStateChange(listener: (state: ConnectionState) => void): () => void {
    return this.realtime.subscribeState(() => listener(this.realtime.getState()));
  }
  /** Resolves once connected (at once when it is); rejects with AUTH_FAILED when the credential is refused. */
  ready(): Promise<void> {
    this.start();
    if (this.socket.connected) return Promise.resolve();
    if (this.authFailure) return Promise.reject(this.authFailure);
    if (this.closed) return Promise.reject(new SwitchboardError("CLOSED", "The client was closed"));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }
  /** Disconnect for good: pending commands fail with CLOSED. */
  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.realtime.stop();
    for (const p of this.outbox.splice(0)) p.reject(new SwitchboardError("CLOSED", "The client was closed"));
    for (const w of this.readyWaiters.splice(0)) w.reject(new SwitchboardError("CLOSED", "The client was closed"));
    for (const ws of this.waiting.values()) for (const w of ws.splice(0)) w.reject(new SwitchboardError("CLOSED", "The client was closed"));
  }

  private report(e: Error, ctx: { room?: string }) {
    try {
      this.opts.onError?.(e, ctx);
    } catch {
      /* the error handler's own failure is not ours to report */
    }
  }

  /* ---------- rooms ---------- */

  /**
   * Receive a room's events (a room name — `project:<id>`, `workflow:<id>`, `job:<id>`, `agent:<id>`,
   * `user:<id>`, `global` — or `{project_id}`) until `unsubscribe()`. After a reconnect or a server `resync` the
   * room is re-joined with the newest id seen as `since`; events met twice are delivered once.
   */
  subscribe<T extends EventType = EventType>(target: RoomTarget, handler: (env: EnvelopeFor<T>) => void, options: SubscribeOptions<T> = {}): Subscription {
    const name = typeof target === "string" ? target : rooms.project(String(target?.project_id));
    const parsed = parseRoom(name);
    if (!parsed) throw new SwitchboardError("INVALID_ROOM", "Not a room: give project:<uuid>, workflow:<uuid>, job:<uuid>, agent:<uuid>, user:<uuid>, global or {project_id}");
    const room = parsed.name;
    if (this.closed) throw new SwitchboardError("CLOSED", "The client was closed");
    let since: string | undefined;
    if (options.since !== undefined) {
      since = String(options.since);
      if (!/^\d{1,19}$/.test(since)) throw new SwitchboardError("VALIDATION_FAILED", "since must be an event id (an integer of at most 19 digits)", [{ field: "since", message: "must be an event id" }]);
    }
    const entry = { handler: handler as (env: AnyEnvelope) => void, types: options.types ? new Set<string>(options.types) : null, onReset: options.onReset };
    let set = this.handlers.get(room);
    if (!set) this.handlers.set(room, (set = new Set()));
    set.add(entry);
    const held = this.lastAck.get(room);
    const ready = held
      ? Promise.resolve(held)
      : new Promise<JoinAck>((resolve, reject) => {
          const list = this.waiting.get(room) ?? [];
          list.push({ resolve, reject });
          this.waiting.set(room, list);
        });
    ready.catch(() => {}); // not awaiting `ready` is fine; the error also goes to onError
    const release = this.realtime.acquire(room, since);
    this.start();
    let done = false;
    return {
      room,
      ready,
      unsubscribe: () => {
        if (done) return;
        done = true;
        set.delete(entry);
        if (!set.size) {
          this.handlers.delete(room);
          this.lastAck.delete(room);
          for (const w of this.waiting.get(room)?.splice(0) ?? []) w.reject(new SwitchboardError("CLOSED", "Unsubscribed before the join was answered"));
          this.waiting.delete(room);
        }
        release();
      },
    };
  }

  private dispatch(env: AnyEnvelope) {
    for (const h of this.handlers.get(env.room) ?? []) {
      if (h.types && !h.types.has(env.type)) continue;
      try {
        h.handler(env);
      } catch (e) {
        this.report(e instanceof Error ? e : new Error(String(e)), { room: env.room });
      }
    }
  }

  /* ---------- commands ---------- */

  /**
   * Send a socket command and resolve with its success ack (errors reject as SwitchboardError). Waits while
   * offline (at most maxQueue commands, at most retryForMs); a command whose ack was lost is sent again, so
   * give mutating ones an `idempotency_key` (the helpers below always do).
   */
  send<C extends CommandName>(name: C, payload: CommandPayload<C>): Promise<Success<C>> {
    if (this.closed) return Promise.reject(new SwitchboardError("CLOSED", "The client was closed"));
    let bytes: number;
    try {
      bytes = new TextEncoder().encode(JSON.stringify(payload) ?? "").length;
    } catch {
      return Promise.reject(new SwitchboardError("VALIDATION_FAILED", "The payload is not JSON"));
    }
    // The server refuses more than MAX_PAYLOAD_BYTES: refused here, before it takes room in the outbox.
    if (bytes > MAX_PAYLOAD_BYTES) return Promise.reject(new SwitchboardError("PAYLOAD_TOO_LARGE", `The payload is larger than ${MAX_PAYLOAD_BYTES} bytes`));
    if (this.outbox.length >= this.maxQueue || this.queuedBytes + bytes > this.maxQueueBytes)
      return Promise.reject(new SwitchboardError("QUEUE_FULL", `Too many commands are waiting to be sent (at most ${this.maxQueue}, ${this.maxQueueBytes} bytes)`));
    this.queuedBytes += bytes;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = <A extends unknown[]>(f: (...a: A) => void) => (...a: A) => {
        if (settled) return;
        settled = true;
        this.queuedBytes -= bytes;
        f(...a);
      };
      this.outbox.push({ name, payload, bytes, deadline: Date.now() + this.retryForMs, resolve: settle(resolve as (v: unknown) => void), reject: settle(reject) });
      this.start();
      this.armExpiry();
      void this.pump();
    });
  }

  /**
   * pump() checks a command's deadline only when it can send (it returns at once while offline), so a timer
   * fails the commands past retryForMs with TIMEOUT even while the server is gone. Unref'd: a waiting outbox
   * alone does not keep a process alive. A command failed while its ack is awaited is skipped by pump().
   */
  private armExpiry() {
    if (this.expiryTimer || this.closed || !this.outbox.length) return;
    const next = this.outbox.reduce((m, p) => Math.min(m, p.deadline), Infinity);
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      const now = Date.now();
      for (let i = 0; i < this.outbox.length; ) {
        const item = this.outbox[i]!;
        if (now <= item.deadline) {
          i++;
          continue;
        }
        this.outbox.splice(i, 1);
        item.reject(new SwitchboardError("TIMEOUT", `${item.name} got no answer within ${this.retryForMs} ms`));
      }
      this.armExpiry();
    }, Math.max(0, next - Date.now()) + 1);
    (this.expiryTimer as { unref?: () => void }).unref?.();
  }

  /**
   * One command sent at once on the socket, ahead of the outbox (auth:refresh must not wait behind up to
   * maxQueue commands or an OVERLOADED back-off while the credential expires). Offline it waits for the
   * connection; a lost ack or a "try again" answer is retried; all of it within retryForMs, then TIMEOUT.
   */
  private async sendNow<C extends CommandName>(name: C, payload: CommandPayload<C>): Promise<Success<C>> {
    this.urgent++;
    try {
      return await this.sendNowLoop(name, payload);
    } finally {
      this.urgent--;
    }
  }

  private async sendNowLoop<C extends CommandName>(name: C, payload: CommandPayload<C>): Promise<Success<C>> {
    const deadline = Date.now() + this.retryForMs;
    for (;;) {
      if (this.closed) throw new SwitchboardError("CLOSED", "The client was closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new SwitchboardError("TIMEOUT", `${name} got no answer within ${this.retryForMs} ms`);
      if (!this.socket.connected) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          await Promise.race([this.ready(), new Promise((r) => (timer = setTimeout(r, left)))]); // ready() rejects with AUTH_FAILED / CLOSED
        } finally {
          clearTimeout(timer);
        }
        continue;
      }
      let ack: { status?: string; code?: string; details?: unknown } | null;
      try {
        ack = (await this.socket.timeout(Math.min(this.ackTimeoutMs, left)).emitWithAck(name as CommandName, payload as never)) as typeof ack;
      } catch {
        continue; // no ack (timeout, or the connection went): again
      }
      if (ack && ack.status === "error") {
        if (ack.code === "RATE_LIMITED" || ack.code === "OVERLOADED" || ack.code === "INTERNAL") {
          const d = (ack.details as { retry_after_ms?: unknown } | undefined)?.retry_after_ms;
          await sleep(Math.min(typeof d === "number" && Number.isFinite(d) ? Math.min(Math.max(d, 50), 30_000) : 1_000, Math.max(deadline - Date.now(), 0)));
          continue;
        }
        throw fromAck(ack);
      }
      return ack as Success<C>;
    }
  }

  /** One command at a time, in order: an agent's thoughts arrive in the order it had them. */
  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.outbox.length && !this.closed) {
        const item = this.outbox[0]!;
        if (Date.now() > item.deadline) {
          this.outbox.shift();
          item.reject(new SwitchboardError("TIMEOUT", `${item.name} got no answer within ${this.retryForMs} ms`));
          continue;
        }
        if (!this.socket.connected) return; // onConnect pumps again
        if (this.urgent) {
          await sleep(20); // auth:refresh first
          continue;
        }
        let ack: { status?: string; code?: string; details?: unknown } | null;
        try {
          ack = (await this.socket.timeout(this.ackTimeoutMs).emitWithAck(item.name, item.payload as never)) as typeof ack;
        } catch {
          continue; // no ack (timeout, or the connection went): the same payload again, with the same key
        }
        if (this.outbox[0] !== item) continue; // failed meanwhile (close(), a refused credential)
        if (ack && ack.status === "error") {
          if (ack.code === "IDEMPOTENCY_IN_PROGRESS") {
            await sleep(1_000);
            continue;
          }
          if (ack.code === "RATE_LIMITED" || ack.code === "OVERLOADED" || ack.code === "INTERNAL") {
            const d = (ack.details as { retry_after_ms?: unknown } | undefined)?.retry_after_ms;
            await sleep(typeof d === "number" && Number.isFinite(d) ? Math.min(Math.max(d, 50), 30_000) : 1_000);
            continue;
          }
          this.outbox.shift();
          item.reject(fromAck(ack));
          continue;
        }
        this.outbox.shift();
        item.resolve(ack);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Commands waiting to be sent (or for their ack). */
  get pendingCommands(): number {
    return this.outbox.length;
  }

  readonly auth = {
    /**
     * Swap the connection's credential for a new one before the old expires (`auth:refresh`); the new token is
     * also used for REST calls and reconnects. Rejects with AUTH_FAILED (the old credential stays in force).
     * Sent at once, ahead of the commands waiting in the outbox (offline: as soon as it connects).
     */
    refresh: async (token: string): Promise<{ expires_at: string | null }> => {
      const ack = await this.sendNow("auth:refresh", { token });
      this.token = token;
      return { expires_at: ack.expires_at };
    },
  };

  private work<T extends AgentWorkType>(type: T, workflowId: string, data: AgentWorkData[T], o: AgentEventOptions = {}) {
    return this.send("agent:event", { type, workflow_id: workflowId, data: data as Record<string, unknown>, idempotency_key: o.idempotency_key ?? newKey() }).then((a) => ({ id: a.id }));
  }

  /** What an agent (an `sb_agt_…` token) reports; each call resolves with the published event's id. */
  readonly agent = {
    status: (status: "online" | "busy" | "idle" | "error", o: { availability?: number; metadata?: Record<string, unknown>; idempotency_key?: string } = {}) =>
      this.send("agent:status", { status, availability: o.availability, metadata: o.metadata, idempotency_key: o.idempotency_key ?? newKey() }).then((a) => ({
        agent_id: a.agent_id,
        agent_status: a.agent_status,
      })),
    thought: (workflowId: string, content: string, o?: AgentEventOptions) => this.work("agent:thought", workflowId, { content }, o),
    toolCall: (workflowId: string, call: AgentData<"agent:tool_call">, o?: AgentEventOptions) => this.work("agent:tool_call", workflowId, call, o),
    result: (workflowId: string, result: AgentData<"agent:result">, o?: AgentEventOptions) => this.work("agent:result", workflowId, result, o),
    error: (workflowId: string, error: AgentData<"agent:error">, o?: AgentEventOptions) => this.work("agent:error", workflowId, error, o),
  };

  /* ---------- REST ---------- */

  /**
   * Run one REST call of the typed client, retrying through outages (network errors, 5xx incl. 503 OVERLOADED, 429 RATE_LIMITED,
   * 409 IDEMPOTENCY_IN_PROGRESS) for at most retryForMs when it is safe: a GET, or a call with an
   * Idempotency-Key (which `call` must send: it gets the headers). Resolves with `data`; rejects with SwitchboardError.
   */
  async call<D>(
    call: (headers: { "Idempotency-Key"?: string }) => Promise<{ data?: D; error?: unknown; response: Response }>,
    o: { idempotencyKey?: string | false } = {},
  ): Promise<D> {
    const key = o.idempotencyKey === false ? undefined : (o.idempotencyKey ?? newKey());
    const headers = key ? { "Idempotency-Key": key } : {};
    const deadline = Date.now() + this.retryForMs;
    let backoff = 250;
    for (;;) {
      if (this.closed) throw new SwitchboardError("CLOSED", "The client was closed");
      let res: { data?: D; error?: unknown; response: Response };
      try {
        res = await call(headers);
      } catch (e) {
        if (e instanceof SwitchboardError) throw e;
        if (!key || Date.now() + backoff > deadline) throw new SwitchboardError("NETWORK_ERROR", `The server could not be reached (${e instanceof Error ? e.message.slice(0, 200) : "fetch failed"})`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        continue;
      }
      const { response } = res;
      if (response.ok) return res.data as D;
      const err = fromRestError(response.status, res.error);
      const retryable = !!key && (response.status >= 500 || err.code === "RATE_LIMITED" || err.code === "IDEMPOTENCY_IN_PROGRESS");
      const wait = retryAfterMs(response, err.details) ?? backoff;
      if (!retryable || Date.now() + wait > deadline) throw err;
      await sleep(wait);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /** Workflows over REST (docs/PROTOCOL.md, Workflows); every call is idempotent (give `idempotency_key` to make a retry of your own act once too). */
  readonly workflows = {
    start: (projectId: string, body: PostBody<"/api/v1/projects/{id}/workflows">, o: { idempotency_key?: string } = {}) =>
      this.call((header) => this.rest.POST("/api/v1/projects/{id}/workflows", { params: { path: { id: projectId }, header }, body }), { idempotencyKey: o.idempotency_key }),
    progress: (workflowId: string, body: PostBody<"/api/v1/workflows/{id}/progress">, o: { idempotency_key?: string } = {}) =>
      this.call((header) => this.rest.POST("/api/v1/workflows/{id}/progress", { params: { path: { id: workflowId }, header }, body }), { idempotencyKey: o.idempotency_key }),
    complete: (workflowId: string, body: PostBody<"/api/v1/workflows/{id}/complete"> = {}, o: { idempotency_key?: string } = {}) =>
      this.call((header) => this.rest.POST("/api/v1/workflows/{id}/complete", { params: { path: { id: workflowId }, header }, body }), { idempotencyKey: o.idempotency_key }),
    fail: (workflowId: string, body: PostBody<"/api/v1/workflows/{id}/fail">, o: { idempotency_key?: string } = {}) =>
      this.call((header) => this.rest.POST("/api/v1/workflows/{id}/fail", { params: { path: { id: workflowId }, header }, body }), { idempotencyKey: o.idempotency_key }),
    get: (workflowId: string) => this.call(() => this.rest.GET("/api/v1/workflows/{id}", { params: { path: { id: workflowId } } }), { idempotencyKey: false }),
  };

  /** External test runs (a CI system reports a run it executes itself; needs a personal token or session). */
  readonly testRuns = {
    start: (projectId: string, body: Omit<PostBody<"/api/v1/projects/{id}/test-runs">, "source"> = {}, o: { idempotency_key?: string } = {}) =>
      this.call((header) => this.rest.POST("/api/v1/projects/{id}/test-runs", { params: { path: { id: projectId }, header }, body: { source: "external", ...body } }), {
        idempotencyKey: o.idempotency_key,
      }),
    results: (
      runId: string,
      results: PostBody<"/api/v1/test-runs/{id}/results">["results"],
      o: { idempotency_key?: string } = {},
    ) => this.call((header) => this.rest.POST("/api/v1/test-runs/{id}/results", { params: { path: { id: runId }, header }, body: { results } }), { idempotencyKey: o.idempotency_key }),
    complete: (runId: string, body: PostBody<"/api/v1/test-runs/{id}/complete"> = {}, o: { idempotency_key?: string } = {}) =>
      this.call((header) => this.rest.POST("/api/v1/test-runs/{id}/complete", { params: { path: { id: runId }, header }, body }), { idempotencyKey: o.idempotency_key }),
  };
}

/** A client; its socket connects on first use (`await client.ready()` to wait for it), REST needs none. */
export function connect(options: ConnectOptions): SwitchboardClient {
  if (!options || typeof options.token !== "string" || !options.token) throw new SwitchboardError("VALIDATION_FAILED", "connect() needs a token", [{ field: "token", message: "required" }]);
  return new SwitchboardClient(options);
}
