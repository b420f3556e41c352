// Numbers for the admin page: read from this process's prom-client registry (counters are per process),
// connections and rooms summed over every process (through the adapter), a sampled throughput history.
import { metrics } from "../metrics";
import { connectionStats } from "../realtime/stats";
import { getHub } from "../realtime/hub";
import { every, part } from "../runtime";
import { pingDatabase } from "../db";
import { overloadSnapshot } from "../realtime/overload";

const SAMPLE_MS = 5000;
const SAMPLES = 72; // six minutes

type Sample = { t: number; published: number; delivered: number };
const samples = () => part<Sample[]>("throughput", () => []);

type MetricJson = { name: string; type: string; values: { value: number; labels: Record<string, string | number>; metricName?: string }[] };

async function readAll(): Promise<Map<string, MetricJson>> {
  const list = (await metrics().registry.getMetricsAsJSON()) as unknown as MetricJson[];
  return new Map(list.map((m) => [m.name, m]));
}

const sum = (m: MetricJson | undefined) => (m ? m.values.reduce((n, v) => n + v.value, 0) : 0);
const byLabel = (m: MetricJson | undefined, label: string) => {
  const out: Record<string, number> = {};
  for (const v of m?.values ?? []) {
    const k = String(v.labels[label] ?? "other");
    out[k] = (out[k] ?? 0) + v.value;
  }
  return out;
};

async function totals(): Promise<Sample> {
  const all = await readAll();
  return { t: Date.now(), published: sum(all.get("switchboard_events_published_total")), delivered: sum(all.get("switchboard_events_delivered_total")) };
}

/** Sample throughput every 5 s on a runtime timer (server.ts starts it at boot). */
export function startThroughputSampler(): void {
  const take = () =>
    void totals().then((s) => {
      const list = samples();
      list.push(s);
      if (list.length > SAMPLES + 1) list.shift();
    });
  take();
  every("throughput sampler", SAMPLE_MS, take);
}

/** A quantile (seconds) from a histogram's cumulative buckets, interpolated within the bucket. */
function histogramQuantile(buckets: { le: number; count: number }[], q: number): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (!total) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe; // above the highest finite bucket
      const inBucket = b.count - prevCount;
      return inBucket ? prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket : b.le;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

export { ZAdminMetricsSchema as AdminMetricsSchema, type AdminMetrics } from "../contract/admin";
import type { AdminMetrics } from "../contract/admin";


export async function adminMetrics(): Promise<AdminMetrics> {
  const [all, stats, dbOk] = await Promise.all([readAll(), connectionStats(), pingDatabase()]);
  const now: Sample = { t: Date.now(), published: sum(all.get("switchboard_events_published_total")), delivered: sum(all.get("switchboard_events_delivered_total")) };
  const history = [...samples(), now];
  const throughput: AdminMetrics["throughput"] = [];
  for (let i = 1; i < history.length; i++) {
    const a = history[i - 1]!;
    const b = history[i]!;
    const dt = (b.t - a.t) / 1000;
    if (dt < 0.5) continue;
    throughput.push({ t: new Date(b.t).toISOString(), published_per_second: round((b.published - a.published) / dt), delivered_per_second: round((b.delivered - a.delivered) / dt) });
  }
  // The current rate: since the newest sample at least 5 s old (else since the oldest one).
  const ref = [...history].reverse().find((s) => now.t - s.t >= SAMPLE_MS) ?? history[0]!;
  const dt = Math.max((now.t - ref.t) / 1000, 1);
  const hist = all.get("switchboard_publish_to_emit_seconds");
  const buckets = (hist?.values ?? []).filter((v) => v.metricName?.endsWith("_bucket")).map((v) => ({ le: v.labels.le === "+Inf" ? Infinity : Number(v.labels.le), count: v.value }));
  const count = (hist?.values ?? []).find((v) => v.metricName?.endsWith("_count"))?.value ?? 0;
  const ms = (s: number | null) => (s === null ? null : round(s * 1000));
  const redis = getHub()?.redis;
  const mem = process.memoryUsage();
  return {
    generated_at: new Date().toISOString(),
    scope: { connections: stats.partial ? "this_process" : "cluster", counters: "this_process" },
    connections: stats.connections,
    rooms: Object.keys(stats.rooms).filter((r) => !r.startsWith("user:")).length,
    events: {
      published_total: now.published,
      delivered_total: now.delivered,
      published_per_second: round((now.published - ref.published) / dt),
      delivered_per_second: round((now.delivered - ref.delivered) / dt),
      replayed_total: sum(all.get("switchboard_events_replayed_total")),
    },
    publish_latency_ms: { p50: ms(histogramQuantile(buckets, 0.5)), p99: ms(histogramQuantile(buckets, 0.99)), count },
    rate_limit_refusals: byLabel(all.get("switchboard_rate_limit_refusals_total"), "kind"),
    publish_queue: overloadSnapshot(),
    slow_client_disconnects: sum(all.get("switchboard_slow_client_disconnects_total")),
    resyncs: sum(all.get("switchboard_resyncs_total")),
    llm_tokens: byLabel(all.get("switchboard_llm_tokens_total"), "kind"),
    health: { database: dbOk ? "ok" : "down", redis: !redis ? "disabled" : redis.ok() ? "ok" : "down" },
    memory: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed },
    throughput: throughput.slice(-SAMPLES),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
