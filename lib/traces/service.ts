// A trace: every logged event that carries one trace_id (a prompt's request, stream, patch, apply, the run it
// started with its results, reviews, its workflow and agent events), in id order, for members of its project.
// Read through the (trace_id, id) index, a page at a time; a trace is bounded by what the log keeps.
import { z } from "zod";
import { getPrisma } from "../db";
import { notFound } from "../errors";
import { canSeeProject } from "../auth/permissions";
import { parseRoom, rooms, ZEventId, type Envelope } from "../realtime/events";
import { toEnvelope } from "../realtime/publish";
import { fitBytes } from "../api/bounds";
import type { PublicUser } from "../auth/users";

/** A trace id as the server makes them (a UUID) or as long as an older one could be; anything else is 404. */
const TRACE_ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;

export const MAX_TRACE_PAGE = 1000;

export const ZTraceQuerySchema = z.object({
  after: ZEventId.default("0"),
  limit: z.coerce.number().int().min(1).max(MAX_TRACE_PAGE).default(500),
});

/**
 * The stream's text is not repeated here: a vibecode_chunk keeps its sizes (`chars`), not its `content` (the
 * message's reply has it whole). Keeps a long answer's trace small.
 */
function slim(env: Envelope): Envelope {
  if (env.type !== "vibecode_chunk") return env;
  const d = env.data as { content?: string } & Record<string, unknown>;
  const { content, ...rest } = d;
  return { ...env, data: { ...rest, content: "", chars: content?.length ?? 0 } as never };
}

/**
 * GET /api/v1/traces/{trace_id}: its events after `after`, oldest first, at most `limit` rows scanned and
 * MAX_LIST_BYTES of JSON. The trace belongs to the project of its first event in a project the caller can
 * see; events in other projects (or in user:/agent: rooms) are never shown. Not a member, or no such trace:
 * 404, the same answer, so a trace's existence is not revealed.
 */
export async function getTrace(user: PublicUser, traceId: string, after: bigint, limit: number) {
  if (!TRACE_ID_RE.test(traceId)) throw notFound("Trace");
  const prisma = getPrisma();
  // Every event of a trace is in its project's room (job:/workflow: rooms get copies, and the job log, which
  // the run page shows). The trace's project: that of its earliest event in a project the caller can see.
  const head = await prisma.event.findMany({
    where: { traceId, room: { startsWith: "project:" } },
    orderBy: { id: "asc" },
    take: 20,
    select: { room: true },
  });
  let projectId: string | null = null;
  for (const room of new Set(head.map((h) => h.room))) {
    const id = parseRoom(room)?.id;
    if (id && (await canSeeProject(user, id))) {
      projectId = id;
      break;
    }
  }
  if (!projectId) throw notFound("Trace");
  const rows = await prisma.event.findMany({ where: { traceId, room: rooms.project(projectId), id: { gt: after } }, orderBy: { id: "asc" }, take: limit });
  const { items, truncated } = fitBytes(rows.map((r) => slim(toEnvelope(r))));
  // The next page starts after the last event of this one.
  const last = items.length ? items[items.length - 1]!.id : after.toString();
  return { trace_id: traceId, project_id: projectId, events: items, next_after: last, has_more: truncated || rows.length === limit };
}
