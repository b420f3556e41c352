// Messages between the benchmark orchestrators and their forked load generators.
export type Mode = "real" | "bare";

export type ClientMsg =
  | { t: "connect"; mode: Mode; urls: string[]; offset: number; count: number; concurrency: number; token?: string; projectId?: string; room: string; eventType: string }
  | { t: "reset" }
  | { t: "count" }
  | { t: "report" }
  | { t: "close" };

export type ClientReply =
  | { t: "progress"; connected: number; failed: number }
  | { t: "connected"; connected: number; failed: number; errors: string[] }
  | { t: "reset" }
  | { t: "count"; received: number; connected: number }
  | { t: "report"; received: number; outOfOrder: number; lastReceipt: number; connected: number; hist: string; cpuMs: number; wallMs: number; rss: number };

export type PublishJob = {
  t: "run";
  mode: Mode;
  urls: string[];
  token?: string;
  projectId?: string;
  room: string;
  /** publishes per second (open loop) */
  rate: number;
  seconds: number;
  /** requests allowed in flight; a tick beyond it is skipped and counted */
  maxInFlight: number;
  /** characters of padding after the timestamp in data.description */
  pad: number;
  /** the bare server's data object (the real one's shape); description is replaced per publish */
  template?: Record<string, unknown>;
  /** stop after this many publishes (replay) */
  limit?: number;
  /** never skip: wait for a free slot (publish everything as fast as the server takes it) */
  closedLoop?: boolean;
  /** closed loop: also stop starting new publishes after this many ms */
  stopAfterMs?: number;
  /** before starting: open this many keep-alive connections to each url (GET /api/health, all at once) */
  warmConnections?: number;
};

export type PublishReport = {
  t: "done";
  started: number;
  attempted: number;
  ok: number;
  failed: number;
  skipped: number;
  errors: string[];
  hist: string;
  cpuMs: number;
  wallMs: number;
  lastId: string | null;
  /** latency of the accepted publishes only (2xx) */
  histOk: string;
  /** refusals: 503 OVERLOADED or 429 RATE_LIMITED, their latency, and how many had a Retry-After header */
  refused: number;
  histRefused: string;
  refusedWithRetryAfter: number;
};
