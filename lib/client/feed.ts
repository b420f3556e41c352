// The activity feed's cache entry (GET /api/v1/projects/{id}/feed, one entry per kinds filter): items newest
// first, "Load older" appends pages, and live envelopes either add an item (a head type of a shown kind) or
// fold into one (a run's results, a message's chunks, a workflow's progress update its summary).
import type { AnyEnvelope as Envelope } from "@/lib/contract";
import { feedKindOf, FEED_KINDS, type FeedKind, type FeedSummary } from "@/lib/feed/kinds";

/** One feed line; `live` marks items that arrived while the page was open (they animate in). */
export type FeedItem = { id: string; kind: FeedKind; envelope: Envelope; summary: FeedSummary | null; live?: boolean };
export type FeedPage = { items: FeedItem[]; next_before: string | null; kinds: FeedKind[] };
export type FeedData = { items: FeedItem[]; nextBefore: string | null };

/** Items kept at most (older pages the user loaded, plus live ones). */
export const FEED_CAP = 1000;

const cmp = (a: string, b: string) => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x > y ? -1 : 1;
};

/** Normalise a kinds selection (the query key and the `kinds` parameter): known kinds, catalogue order. */
export const kindsParam = (kinds: readonly FeedKind[]) => FEED_KINDS.filter((k) => kinds.includes(k)).join(",");

/** Items by id, newer answers replacing older copies (their summaries are fresher), newest first. */
export function mergeItems(a: FeedItem[], b: FeedItem[]): FeedItem[] {
  const byId = new Map<string, FeedItem>();
  for (const i of a) byId.set(i.id, i);
  for (const i of b) byId.set(i.id, { ...i, live: byId.get(i.id)?.live ?? i.live });
  return [...byId.values()].sort((x, y) => cmp(x.id, y.id)).slice(0, FEED_CAP);
}

/** The first page, re-read (a reconnect, a fresh join): keep the older pages already loaded. */
export function mergeFirstPage(prev: FeedData | undefined, page: FeedPage): FeedData {
  if (!prev || prev.items.length === 0) return { items: page.items, nextBefore: page.next_before };
  const items = mergeItems(prev.items, page.items);
  const oldestPrev = prev.items[prev.items.length - 1]!.id;
  const pageOldest = page.items[page.items.length - 1]?.id;
  // The page reached past what was loaded before: its cursor is the right one; else keep the older one.
  const nextBefore = pageOldest !== undefined && cmp(pageOldest, oldestPrev) >= 0 ? page.next_before : prev.nextBefore;
  return { items, nextBefore };
}

export const appendOlder = (prev: FeedData, page: FeedPage): FeedData => ({ items: mergeItems(prev.items, page.items), nextBefore: page.next_before });

/** The summary an item starts with when its head arrives live. */
function initialSummary(env: Envelope): FeedSummary | null {
  if (env.type === "test_run.created") {
    const d = env.data;
    return { kind: "run", status: d.status, passed: 0, failed: 0, skipped: 0, total: null, duration_ms: null, finished_at: null };
  }
  if (env.type === "vibecode_request") return { kind: "message", status: "pending", files_changed: 0, commit_sha: null };
  if (env.type === "workflow.started") {
    const d = env.data;
    return { kind: "workflow", status: d.status, progress: d.progress, current_step: d.current_step, total_steps: d.total_steps, step_name: d.step_name, finished_at: d.finished_at };
  }
  return null;
}

/** Which item an envelope folds into (the run, message or workflow it belongs to), and how. */
function folder(env: Envelope): { kind: FeedSummary["kind"]; key: string; apply: (s: FeedSummary) => FeedSummary } | null {
  const d = env.data as Record<string, unknown>;
  switch (env.type) {
    case "test_started":
      return { kind: "run", key: d.test_run_id as string, apply: (s) => (s.kind === "run" && s.status === "queued" ? { ...s, status: "running", total: (d.total as number | null) ?? s.total } : s) };
    case "test_result":
      return {
        kind: "run",
        key: d.test_run_id as string,
        apply: (s) => {
          if (s.kind !== "run" || s.finished_at) return s;
          // seq counts from 0: a result the summary already counted (read after it was stored) is skipped.
          if ((d.seq as number) < s.passed + s.failed + s.skipped) return s;
          const st = d.status as "passed" | "failed" | "skipped";
          return { ...s, status: s.status === "queued" ? "running" : s.status, [st]: s[st] + 1 };
        },
      };
    case "test_run.cancelling":
      return { kind: "run", key: d.test_run_id as string, apply: (s) => (s.kind === "run" && !s.finished_at ? { ...s, status: "cancelling" } : s) };
    case "test_completed": {
      const c = env.data;
      return {
        kind: "run",
        key: c.test_run_id,
        apply: () => ({ kind: "run", status: c.status, passed: c.passed, failed: c.failed, skipped: c.skipped, total: c.total, duration_ms: c.duration_ms, finished_at: env.timestamp }),
      };
    }
    case "vibecode_chunk":
      return { kind: "message", key: d.message_id as string, apply: (s) => (s.kind === "message" && s.status === "pending" ? { ...s, status: "streaming" } : s) };
    case "vibecode_response": {
      const r = env.data;
      return { kind: "message", key: r.message_id, apply: (s) => (s.kind === "message" && !s.commit_sha ? { ...s, status: r.error ? "error" : r.status, files_changed: r.files.length } : s) };
    }
    case "vibecode_error":
      return { kind: "message", key: d.message_id as string, apply: (s) => (s.kind === "message" ? { ...s, status: "error" } : s) };
    case "patch.applied":
      return { kind: "message", key: d.message_id as string, apply: (s) => (s.kind === "message" ? { ...s, status: "applied", commit_sha: (d.commit as string) ?? null } : s) };
    case "patch.rejected":
      return { kind: "message", key: d.message_id as string, apply: (s) => (s.kind === "message" ? { ...s, status: "rejected" } : s) };
    case "workflow.progress":
    case "workflow.completed":
    case "workflow.failed": {
      const w = env.data;
      return {
        kind: "workflow",
        key: w.workflow_id,
        apply: (s) =>
          s.kind === "workflow" && !(s.finished_at && env.type === "workflow.progress")
            ? { ...s, status: w.status, progress: w.progress, current_step: w.current_step, total_steps: w.total_steps, step_name: w.step_name, finished_at: ("finished_at" in w ? w.finished_at : null) ?? s.finished_at }
            : s,
      };
    }
    default:
      return null;
  }
}

const keyOf = (i: FeedItem): string | null => {
  const d = i.envelope.data as Record<string, unknown>;
  const k = i.envelope.type === "test_run.created" ? d.test_run_id : i.envelope.type === "vibecode_request" ? d.message_id : i.envelope.type === "workflow.started" ? d.workflow_id : null;
  return typeof k === "string" ? k : null;
};

/**
 * One live envelope of the project room into a feed entry showing `kinds`. Idempotent for what it can meet
 * twice (a head already listed, a result the summary counted, a final status), so buffered envelopes may be
 * applied again to a page read after them.
 */
export function foldEnvelope(data: FeedData, env: Envelope, kinds: readonly FeedKind[]): FeedData {
  const kind = feedKindOf(env.type);
  let next = data;
  if (kind && kinds.includes(kind) && !data.items.some((i) => i.id === env.id)) {
    // Older than the last loaded item while older pages remain: it belongs to a page not read yet.
    const last = data.items[data.items.length - 1];
    if (!(last && data.nextBefore && cmp(env.id, last.id) > 0)) {
      next = { ...data, items: mergeItems(data.items, [{ id: env.id, kind, envelope: env, summary: initialSummary(env), live: true }]) };
    }
  }
  const f = folder(env);
  if (!f) return next;
  let changed = false;
  const items = next.items.map((i) => {
    if (!i.summary || i.summary.kind !== f.kind || keyOf(i) !== f.key) return i;
    const summary = f.apply(i.summary);
    if (summary === i.summary) return i;
    changed = true;
    return { ...i, summary };
  });
  return changed ? { ...next, items } : next;
}

/** Recent envelopes of each project room, replayed onto a feed page that lands after them (it may predate them). */
export class FeedBuffer {
  private byProject = new Map<string, Envelope[]>();

  push(projectId: string, env: Envelope) {
    const list = this.byProject.get(projectId) ?? [];
    list.push(env);
    if (list.length > 500) list.splice(0, list.length - 500);
    this.byProject.set(projectId, list);
  }

  recent(projectId: string): Envelope[] {
    return this.byProject.get(projectId) ?? [];
  }
}
