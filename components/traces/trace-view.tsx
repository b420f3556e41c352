"use client";
// /projects/[id]/traces/[trace_id]: every event of one trace on a time axis, live while it goes on.
import { useMemo, useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Activity, SearchX } from "lucide-react";
import clsx from "clsx";
import { apiFetch, isApiError, shouldRetry } from "@/lib/client/api";
import { useEnvelopes } from "@/lib/client/envelope-bus";
import { useRoom } from "@/lib/client/realtime";
import { buildTimeline, type TimelineItem } from "@/lib/client/trace-timeline";
import { rooms, type AnyEnvelope as Envelope } from "@/lib/contract";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { BackLink, ProjectGate } from "@/components/shared/project-gate";

type TracePage = { trace_id: string; project_id: string; events: Envelope[]; next_after: string; has_more: boolean };
/** The most pages one view reads (500 events each). */
const MAX_PAGES = 20;

async function fetchTrace(traceId: string): Promise<{ events: Envelope[]; projectId: string; partial: boolean }> {
  const events: Envelope[] = [];
  let after = "0";
  let projectId = "";
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await apiFetch<TracePage>(`/traces/${encodeURIComponent(traceId)}?after=${after}&limit=500`);
    projectId = page.project_id;
    events.push(...page.events);
    after = page.next_after;
    if (!page.has_more) return { events, projectId, partial: false };
  }
  return { events, projectId, partial: true };
}

const STATUS_BAR: Record<TimelineItem["status"], string> = {
  running: "bg-indigo-500 animate-pulse",
  ok: "bg-emerald-600",
  failed: "bg-red-600",
  neutral: "bg-zinc-500",
};
const STATUS_LABEL: Record<TimelineItem["status"], string> = { running: "in progress", ok: "done", failed: "failed", neutral: "" };

function fmtOffset(ms: number) {
  if (ms < 1000) return `+${Math.round(ms)} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(1)} s`;
  return `+${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
function fmtDuration(ms: number) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function Row({ item, t0, span, now }: { item: TimelineItem; t0: number; span: number; now: number }) {
  const end = item.end ?? now;
  const left = ((item.start - t0) / span) * 100;
  const width = Math.max(((end - item.start) / span) * 100, 0.8);
  const title = item.href ? (
    <Link href={item.href} className="font-medium text-zinc-900 underline decoration-zinc-300 underline-offset-2 hover:decoration-zinc-600 dark:text-zinc-100">
      {item.title}
    </Link>
  ) : (
    <span className="font-medium text-zinc-900 dark:text-zinc-100">{item.title}</span>
  );
  return (
    <li className="grid grid-cols-[5.5rem_1fr] gap-3 py-2.5 md:grid-cols-[5.5rem_minmax(0,22rem)_1fr]" data-testid="trace-item" data-kind={item.kind} data-status={item.status}>
      <span className="pt-0.5 font-mono text-xs text-zinc-600 dark:text-zinc-400">{fmtOffset(item.start - t0)}</span>
      <div className="min-w-0 text-[13px]">
        <div className="flex flex-wrap items-center gap-x-2">
          {title}
          {item.end !== null && item.end > item.start && <span className="text-xs text-zinc-600 dark:text-zinc-400">{fmtDuration(item.end - item.start)}</span>}
          {STATUS_LABEL[item.status] && <span className={clsx("text-xs", item.status === "failed" ? "text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400")}>{STATUS_LABEL[item.status]}</span>}
        </div>
        {item.detail && <p className="mt-0.5 break-words text-xs text-zinc-600 dark:text-zinc-400">{item.detail}</p>}
        {item.results && item.results.length > 0 && (
          <ul className="mt-1.5 space-y-0.5" data-testid="trace-results">
            {item.results.map((r) => (
              <li key={r.seq} className="flex items-center gap-2 text-xs" data-testid="trace-result" data-status={r.status}>
                <span className={clsx("inline-block size-2 rounded-full", r.status === "passed" ? "bg-emerald-600" : r.status === "failed" ? "bg-red-600" : "bg-zinc-400")} aria-hidden />
                <span className="truncate text-zinc-800 dark:text-zinc-200">{r.name}</span>
                <span className="text-zinc-600 dark:text-zinc-400">{r.status}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="relative col-span-2 h-5 rounded bg-zinc-100 md:col-span-1 dark:bg-zinc-800" aria-hidden>
        <div className={clsx("absolute top-1 h-3 rounded", STATUS_BAR[item.status])} style={{ left: `${Math.min(left, 99.2)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.2))}%` }} />
      </div>
    </li>
  );
}

function Timeline({ projectId, traceId }: { projectId: string; traceId: string }) {
  const q = useQuery({ queryKey: ["trace", traceId], queryFn: () => fetchTrace(traceId), retry: shouldRetry });
  const [live, setLive] = useState<Envelope[]>([]);
  const room = rooms.project(projectId);
  useRoom(room);
  useEnvelopes((env) => {
    if (env.trace_id !== traceId || env.room !== room) return;
    setLive((prev) => (prev.some((e) => e.id === env.id) ? prev : [...prev, env]));
  });
  const events = useMemo(() => {
    const byId = new Map<string, Envelope>();
    for (const e of q.data?.events ?? []) byId.set(e.id, e);
    for (const e of live) if (!byId.has(e.id)) byId.set(e.id, e);
    return [...byId.values()];
  }, [q.data, live]);
  const items = useMemo(() => buildTimeline(events, projectId), [events, projectId]);
  const going = items.some((i) => i.end === null);
  const [now] = useState(() => Date.now());
  const nowish = going ? Math.max(now, ...items.map((i) => i.end ?? i.start)) : 0;

  if (isApiError(q.error, 404)) {
    return (
      <Card>
        <EmptyState icon={<SearchX />} title="No trace with this id" data-testid="trace-not-found">
          It does not exist, its events are no longer kept, or it belongs to a project you are not a member of.
        </EmptyState>
      </Card>
    );
  }
  if (q.isPending) {
    return (
      <Card>
        <CardBody className="space-y-3" aria-busy="true" aria-label="Loading the trace">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} className="h-8 w-full" />
          ))}
        </CardBody>
      </Card>
    );
  }
  if (q.error && !q.data) {
    return (
      <Card>
        <ErrorState title="Could not load this trace" error={q.error} onRetry={() => void q.refetch()} retrying={q.isRefetching} />
      </Card>
    );
  }
  if (!items.length) {
    return (
      <Card>
        <EmptyState icon={<Activity />} title="Nothing in this trace yet" data-testid="trace-empty">
          Its events appear here as they happen.
        </EmptyState>
      </Card>
    );
  }
  const t0 = Math.min(...items.map((i) => i.start));
  const tEnd = Math.max(...items.map((i) => i.end ?? nowish), t0 + 1);
  return (
    <Card data-testid="trace-timeline" data-live={going ? "true" : "false"}>
      <CardHeader
        title="Timeline"
        icon={<Activity />}
        actions={
          <span className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
            {going ? "Live: still going" : `Took ${fmtDuration(tEnd - t0)}`} · {events.length} events
          </span>
        }
      />
      <CardBody>
        {q.data?.partial && <p className="mb-2 text-xs text-amber-800 dark:text-amber-300">Only the first {events.length} events are shown.</p>}
        <ol className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Events of this trace in order">
          {items.map((item) => (
            <Row key={item.key} item={item} t0={t0} span={tEnd - t0} now={nowish} />
          ))}
        </ol>
      </CardBody>
    </Card>
  );
}

export function TraceView({ projectId, traceId }: { projectId: string; traceId: string }) {
  return (
    <ProjectGate id={projectId} loading={<Skeleton className="h-40 w-full" />}>
      {(project) => (
        <div className="space-y-5" data-testid="trace-view">
          <BackLink href={`/projects/${project.id}`}>{project.name}</BackLink>
          <div>
            <h1 className="text-xl font-semibold text-zinc-900 dark:text-zinc-100">Trace</h1>
            <p className="mt-1 font-mono text-xs text-zinc-600 dark:text-zinc-400" data-testid="trace-id">
              {traceId}
            </p>
          </div>
          <Timeline projectId={project.id} traceId={traceId} />
        </div>
      )}
    </ProjectGate>
  );
}
