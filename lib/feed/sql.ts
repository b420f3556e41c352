// The feed's one query, as text (the service runs it; test/integration/feed.test.ts EXPLAINs it).
//
// One index range of the (room, type, id) index per head type, merged newest first (a Merge Append): at most
// `limit` rows read per type, however long the room's history. The types are inlined as literals — they come
// from FEED_HEADS, never from a request, and are checked against a strict pattern — because with a parameter
// or a LATERAL value the planner cannot tell a rare head type from the room's noise, and (in a generic plan
// above all) prefers walking the primary key backwards through every result and chunk of the room.
import { FEED_HEADS, FEED_KINDS } from "./kinds";

const KNOWN = new Set<string>(FEED_KINDS.flatMap((k) => FEED_HEADS[k]));

/** SQL with $1 = room, $2 = before (bigint, exclusive); `limit` rows at most. */
export function feedHeadsSql(types: readonly string[], limit: number): string {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`feedHeadsSql: bad limit ${limit}`);
  const list = [...new Set(types)];
  if (list.length === 0) throw new Error("feedHeadsSql: no types");
  for (const t of list) if (!KNOWN.has(t) || !/^[a-z_.:]+$/.test(t)) throw new Error(`feedHeadsSql: not a head type: ${t}`);
  const part = (t: string) =>
    `(SELECT id, room, type, source, trace_id AS "traceId", data, created_at AS "createdAt" FROM events WHERE room = $1 AND type = '${t}' AND id < $2 ORDER BY id DESC LIMIT ${limit})`;
  return `SELECT * FROM (${list.map(part).join(" UNION ALL ")}) heads ORDER BY id DESC LIMIT ${limit}`;
}
