// The project activity feed (GET /api/v1/projects/{id}/feed): human-level items, newest first, read from the
// event log through the (room, type, id) index — one short index range per head type, merged, never the room's
// whole history — with the summaries of runs, vibecode messages and workflows read from their own tables, so a
// 500-test run is one item whose counts say how it went.
import { getPrisma } from "../db";
import { requireProjectRole } from "../auth/permissions";
import { rooms, type Envelope } from "../realtime/events";
import { toEnvelope } from "../realtime/publish";
import { fitBytes } from "../api/bounds";
import { redactString } from "../redact";
import type { PublicUser } from "../auth/users";
import { FEED_HEADS, feedKindOf, type FeedKind, type FeedSummary } from "./kinds";
import { feedHeadsSql } from "./sql";

export type FeedItem = { id: string; kind: FeedKind; envelope: Envelope; summary: FeedSummary | null };
export type FeedPage = { items: FeedItem[]; next_before: string | null; kinds: FeedKind[]; truncated?: boolean };

/** Larger than any event id: "no cursor". */
const TOP = 9223372036854775807n;

type Row = { id: bigint; room: string; type: string; source: string; traceId: string | null; data: unknown; createdAt: Date };

/** The newest `limit` head events of a room of the given types before `before` (lib/feed/sql.ts). */
async function heads(room: string, types: string[], before: bigint, limit: number): Promise<Row[]> {
  return getPrisma().$queryRawUnsafe<Row[]>(feedHeadsSql(types, limit), room, before);
}

const str = (v: unknown) => (typeof v === "string" ? v : null);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Summaries of the runs, messages and workflows the page's items head, read by primary key within the project. */
async function summaries(projectId: string, envs: Envelope[]): Promise<Map<string, FeedSummary>> {
  const ids = (type: string, field: string) => [...new Set(envs.filter((e) => e.type === type).map((e) => str((e.data as Record<string, unknown>)[field])).filter((x): x is string => !!x))];
  const runIds = ids("test_run.created", "test_run_id");
  const messageIds = ids("vibecode_request", "message_id");
  const workflowIds = ids("workflow.started", "workflow_id");
  const prisma = getPrisma();
  const [runs, messages, workflows] = await Promise.all([
    runIds.length ? prisma.testRun.findMany({ where: { id: { in: runIds }, projectId } }) : [],
    messageIds.length
      ? prisma.message.findMany({ where: { id: { in: messageIds }, session: { projectId } }, select: { id: true, status: true, files: true, commitSha: true } })
      : [],
    workflowIds.length ? prisma.workflow.findMany({ where: { id: { in: workflowIds }, projectId } }) : [],
  ]);
  const out = new Map<string, FeedSummary>();
  for (const r of runs) {
    out.set(r.id, { kind: "run", status: r.status, passed: r.passed, failed: r.failed, skipped: r.skipped, total: r.total, duration_ms: r.durationMs, finished_at: iso(r.finishedAt) });
  }
  for (const m of messages) {
    out.set(m.id, { kind: "message", status: m.status, files_changed: Array.isArray(m.files) ? m.files.length : 0, commit_sha: m.commitSha });
  }
  for (const w of workflows) {
    out.set(w.id, {
      kind: "workflow",
      status: w.status,
      progress: w.progress,
      current_step: w.currentStep,
      total_steps: w.totalSteps,
      step_name: w.stepName === null ? null : redactString(w.stepName),
      finished_at: iso(w.finishedAt),
    });
  }
  return out;
}

/** The key of the row an item's summary comes from (run, message or workflow id). */
export function summaryKey(env: Envelope): string | null {
  const d = env.data as Record<string, unknown>;
  if (env.type === "test_run.created") return str(d.test_run_id);
  if (env.type === "vibecode_request") return str(d.message_id);
  if (env.type === "workflow.started") return str(d.workflow_id);
  return null;
}

export async function listFeed(user: PublicUser, projectId: string, q: { before?: string; limit: number; kinds: FeedKind[] }): Promise<FeedPage> {
  await requireProjectRole(user, projectId, "project.read");
  const types = q.kinds.flatMap((k) => FEED_HEADS[k]);
  const before = q.before === undefined ? TOP : BigInt(q.before);
  // One row more than asked says whether there is an older page.
  const rows = await heads(rooms.project(projectId), [...types], before, q.limit + 1);
  const more = rows.length > q.limit;
  const envs = rows.slice(0, q.limit).map(toEnvelope);
  const sums = await summaries(projectId, envs);
  const all: FeedItem[] = envs.map((envelope) => {
    const key = summaryKey(envelope);
    return { id: envelope.id, kind: feedKindOf(envelope.type)!, envelope, summary: (key && sums.get(key)) || null };
  });
  const { items, truncated } = fitBytes(all);
  const last = items[items.length - 1];
  return { items, next_before: (more || truncated) && last ? last.id : null, kinds: q.kinds, ...(truncated ? { truncated } : {}) };
}
