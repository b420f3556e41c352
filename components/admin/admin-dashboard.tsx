"use client";
// The admin page's live numbers: GET /api/v1/admin/metrics every few seconds, a throughput chart (SVG).
import { useQuery } from "@tanstack/react-query";
import { AdminUsage } from "@/components/budgets/admin-usage";
import { Activity } from "lucide-react";
import { apiFetch } from "@/lib/client/api";
import type { AdminMetrics } from "@/lib/contract";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";

const REFRESH_MS = 3000;

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined ? "—" : n.toLocaleString("en-US", { maximumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB`;
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

function Stat({ label, value, hint, testId, raw }: { label: string; value: string; hint?: string; testId: string; raw?: number | null }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="text-xs text-zinc-500 dark:text-zinc-400">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums text-zinc-900 dark:text-zinc-100" data-testid={testId} data-value={raw ?? undefined}>
        {value}
      </div>
      {hint && <div className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{hint}</div>}
    </div>
  );
}

function Health({ name, state }: { name: string; state: string }) {
  const tone = state === "ok" ? "green" : state === "disabled" ? "neutral" : "red";
  return (
    <Badge tone={tone} data-testid={`admin-health-${name.toLowerCase()}`} data-state={state}>
      {name}: {state}
    </Badge>
  );
}

/** Published and delivered events per second over the sampled history, as two lines. */
export function ThroughputChart({ points }: { points: AdminMetrics["throughput"] }) {
  const W = 640;
  const H = 160;
  const PAD = 28;
  if (points.length < 2) {
    return (
      <p className="py-10 text-center text-sm text-zinc-500" data-testid="admin-chart-empty">
        Collecting samples (one every 5 s)…
      </p>
    );
  }
  const max = Math.max(1, ...points.map((p) => Math.max(p.published_per_second, p.delivered_per_second)));
  const x = (i: number) => PAD + ((W - PAD - 8) * i) / (points.length - 1);
  const y = (v: number) => H - PAD + 4 - ((H - PAD - 4) * v) / max;
  const line = (key: "published_per_second" | "delivered_per_second") => points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ");
  const first = new Date(points[0]!.t);
  const seconds = Math.round((Date.now() - first.getTime()) / 1000);
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-44 w-full" role="img" aria-label="Events per second, published and delivered" data-testid="admin-chart">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD} x2={W - 8} y1={y(max * f)} y2={y(max * f)} className="stroke-zinc-200 dark:stroke-zinc-800" strokeWidth={1} />
            <text x={PAD - 4} y={y(max * f) + 4} textAnchor="end" className="fill-zinc-500 text-[10px]">
              {fmt(max * f, 1)}
            </text>
          </g>
        ))}
        <path d={line("delivered_per_second")} fill="none" className="stroke-emerald-500" strokeWidth={2} />
        <path d={line("published_per_second")} fill="none" className="stroke-indigo-500" strokeWidth={2} />
        <text x={PAD} y={H - 6} className="fill-zinc-500 text-[10px]">
          {seconds >= 90 ? `${Math.round(seconds / 60)} min ago` : `${seconds} s ago`}
        </text>
        <text x={W - 8} y={H - 6} textAnchor="end" className="fill-zinc-500 text-[10px]">
          now
        </text>
      </svg>
      <figcaption className="mt-1 flex gap-4 text-xs text-zinc-500">
        <span className="flex items-center gap-1">
          <span className="inline-block size-2 rounded-full bg-indigo-500" /> published / s
        </span>
        <span className="flex items-center gap-1">
          <span className="inline-block size-2 rounded-full bg-emerald-500" /> delivered / s
        </span>
      </figcaption>
    </figure>
  );
}

export function AdminDashboard() {
  const q = useQuery({
    queryKey: ["admin", "metrics"],
    queryFn: ({ signal }) => apiFetch<AdminMetrics>("/admin/metrics", { signal }),
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: false,
  });
  if (q.isPending) {
    return (
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="admin-loading">
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-20" />
        ))}
      </div>
    );
  }
  if (q.isError && !q.data) {
    return (
      <Card>
        <ErrorState title="Could not load the numbers" error={q.error} onRetry={() => void q.refetch()} retrying={q.isFetching} />
      </Card>
    );
  }
  const m = q.data!;
  const scope = m.scope.connections === "cluster" ? "all processes" : "this process only (Redis unreachable)";
  return (
    <div className="space-y-4" data-testid="admin-dashboard">
      <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500">
        <Health name="Database" state={m.health.database} />
        <Health name="Redis" state={m.health.redis} />
        <span data-testid="admin-updated" data-at={m.generated_at}>
          Updated {new Date(m.generated_at).toLocaleTimeString()} · refreshes every {REFRESH_MS / 1000} s
        </span>
        {q.isError && <span className="text-red-600">Last refresh failed; showing the previous numbers.</span>}
      </div>
      <div className="hidden" data-testid="admin-totals" data-published={m.events.published_total} data-delivered={m.events.delivered_total} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Connections" value={fmt(m.connections)} hint={scope} testId="admin-connections" raw={m.connections} />
        <Stat label="Rooms" value={fmt(m.rooms)} hint={scope} testId="admin-rooms" raw={m.rooms} />
        <Stat label="Published / s" value={fmt(m.events.published_per_second, 2)} hint={`${fmt(m.events.published_total)} total`} testId="admin-published-rate" raw={m.events.published_per_second} />
        <Stat label="Delivered / s" value={fmt(m.events.delivered_per_second, 2)} hint={`${fmt(m.events.delivered_total)} total`} testId="admin-delivered-rate" raw={m.events.delivered_per_second} />
        <Stat label="Publish → emit p50" value={m.publish_latency_ms.p50 === null ? "—" : `${fmt(m.publish_latency_ms.p50, 2)} ms`} hint={`p99 ${m.publish_latency_ms.p99 === null ? "—" : fmt(m.publish_latency_ms.p99, 2) + " ms"} · ${fmt(m.publish_latency_ms.count)} events`} testId="admin-latency-p50" raw={m.publish_latency_ms.p50} />
        <Stat label="Replayed events" value={fmt(m.events.replayed_total)} hint="sent to clients catching up (since)" testId="admin-replayed" raw={m.events.replayed_total} />
        <Stat label="Rate-limit refusals" value={fmt(total(m.rate_limit_refusals))} hint={Object.entries(m.rate_limit_refusals).map(([k, v]) => `${k} ${v}`).join(" · ") || "none"} testId="admin-rate-limited" raw={total(m.rate_limit_refusals)} />
        <Stat label="Slow-client disconnects" value={fmt(m.slow_client_disconnects)} hint={`resyncs after Redis outages: ${fmt(m.resyncs)}`} testId="admin-slow-clients" raw={m.slow_client_disconnects} />
        <Stat label="LLM tokens" value={fmt(total(m.llm_tokens))} hint={Object.entries(m.llm_tokens).map(([k, v]) => `${k} ${fmt(v)}`).join(" · ") || "none yet"} testId="admin-llm-tokens" raw={total(m.llm_tokens)} />
        <Stat label="Memory (RSS)" value={mb(m.memory.rss_bytes)} hint={`heap ${mb(m.memory.heap_used_bytes)}`} testId="admin-memory" />
      </div>
      <Card>
        <CardHeader title="Throughput, last minutes" icon={<Activity />} />
        <CardBody>
          <ThroughputChart points={m.throughput} />
        </CardBody>
      </Card>
      <AdminUsage />
      <p className="text-xs text-zinc-500">
        Event counts, rates, latency, refusals and tokens are this process&apos;s (since it started); connections and rooms are {scope}.
      </p>
    </div>
  );
}
