// Prometheus metrics (prom-client) on one registry, a part of the runtime (route handlers are bundled apart).
// The socket gauges read a source the realtime server registers (setSocketSource): metrics knows no hub.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { part } from "./runtime";

type Metrics = ReturnType<typeof create>;

/** What the socket gauges read: this process's open connections and rooms (excluding per-socket rooms). */
export type SocketSource = { connections(): number; rooms(): number };

function create() {
  let sockets: SocketSource | null = null;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "switchboard_" });
  const m = {
    registry,
    published: new Counter({ name: "switchboard_events_published_total", help: "Events persisted and emitted, by type", labelNames: ["type"], registers: [registry] }),
    delivered: new Counter({ name: "switchboard_events_delivered_total", help: "Event deliveries to sockets of this process, by type", labelNames: ["type"], registers: [registry] }),
    publishLatency: new Histogram({
      name: "switchboard_publish_to_emit_seconds",
      help: "Time from publish() being called to the emit (includes the database write)",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    publishQueue: new Gauge({
      name: "switchboard_publish_queue_depth",
      help: "Publishes (agent events, mutating REST requests) admitted and not yet answered on this process; past the bound (PUBLISH_QUEUE_MAX, PUBLISH_MAX_WAIT_MS) new ones are refused with 503 OVERLOADED",
      registers: [registry],
    }),
    publishBatchRows: new Histogram({
      name: "switchboard_publish_batch_rows",
      help: "Events written per multi-row INSERT (group commit: everything queued while the previous batch was written)",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [registry],
    }),
    replayed: new Counter({ name: "switchboard_events_replayed_total", help: "Events re-sent to reconnecting clients (since)", registers: [registry] }),
    rateLimited: new Counter({ name: "switchboard_rate_limit_refusals_total", help: "Requests refused by a rate limit", labelNames: ["kind"], registers: [registry] }),
    slowClientDisconnects: new Counter({ name: "switchboard_slow_client_disconnects_total", help: "Sockets disconnected because their outgoing buffer passed SOCKET_MAX_BUFFER_BYTES", registers: [registry] }),
    resyncs: new Counter({ name: "switchboard_resyncs_total", help: "Times this process told its sockets to resync after Redis came back", registers: [registry] }),
    llmTokens: new Counter({ name: "switchboard_llm_tokens_total", help: "Tokens reported by the LLM API", labelNames: ["kind"], registers: [registry] }),
    webhookRefused: new Counter({ name: "switchboard_webhook_refusals_total", help: "Webhook requests refused before verification (never stored), by reason", labelNames: ["reason"], registers: [registry] }),
    authFailures: new Counter({
      name: "switchboard_auth_failures_total",
      help: "Refused credentials on every path (sign-in, REST, sockets, invites, password resets), by reason (lib/auth/refusals.ts)",
      labelNames: ["reason"],
      registers: [registry],
    }),
    httpRefused: new Counter({
      name: "switchboard_http_refusals_total",
      help: "Requests refused before routing, by reason (host_not_allowed, origin_not_allowed, unsupported_media_type)",
      labelNames: ["reason"],
      registers: [registry],
    }),
    connectionsOpened: new Counter({ name: "switchboard_socket_connections_opened_total", help: "Socket.IO connections accepted by this process", registers: [registry] }),
    connectionsClosed: new Counter({ name: "switchboard_socket_connections_closed_total", help: "Socket.IO connections closed on this process, by Socket.IO's disconnect reason", labelNames: ["reason"], registers: [registry] }),
    retentionDeleted: new Counter({ name: "switchboard_retention_deleted_total", help: "Rows deleted by the retention job, by table and rule", labelNames: ["table", "rule"], registers: [registry] }),
    /** The realtime server registers its counts here (null when it closes). */
    setSocketSource(source: SocketSource | null) {
      sockets = source;
    },
  };
  new Gauge({
    name: "switchboard_socket_connections",
    help: "Open Socket.IO connections on this process",
    registers: [registry],
    collect() {
      this.set(sockets?.connections() ?? 0);
    },
  });
  new Gauge({
    name: "switchboard_rooms",
    help: "Rooms with at least one socket on this process (excluding per-socket rooms)",
    registers: [registry],
    collect() {
      this.set(sockets?.rooms() ?? 0);
    },
  });
  return m;
}

export const metrics = (): Metrics => part("metrics", create);
