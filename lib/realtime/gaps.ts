// Explicit gaps: whether a replay after `since` is complete, or retention deleted part of what came after it.
//
// Event ids are global (one sequence for every room), so a room's ids have holes by design and "since is
// below the room's oldest id" says nothing. Instead lib/retention.ts keeps, per room, the highest id it has
// deleted (event_floors.deleted_up_to), raising it *before* each delete. Then:
//
//   reset  ⇔  floor(room) exists and since < floor(room)
//
// If since < floor, the event `floor` belonged to the room, came after since and is gone: the replay is
// partial. If since ≥ floor, every deleted event of the room had an id ≤ since: nothing after since is
// missing. A room retention never touched has no floor, so a new room with since=0 is never a reset.
// Callers read the floor *after* reading the events: a delete that hid an event from that read was preceded
// by its floor write, so the floor read sees it (no missed reset; at worst a needless one).
import { getPrisma, type Db } from "../db";

export type Gap = {
  /** Events of the room after `since` were deleted by retention: what was replayed is not the whole story. */
  reset: boolean;
  /** The oldest event of the room still kept (null: none kept). */
  oldest_id: string | null;
  /** The room's newest event id (kept or deleted; null: the room never had an event). */
  latest_id: string | null;
};

export async function gapAfter(room: string, since: bigint, db: Db = getPrisma()): Promise<Gap> {
  // One after the other (db may be a transaction's client).
  const floorRow = await db.eventFloor.findUnique({ where: { room }, select: { deletedUpTo: true } });
  const span = await db.event.aggregate({ where: { room }, _min: { id: true }, _max: { id: true } });
  const floor = floorRow ? BigInt(floorRow.deletedUpTo) : null;
  const oldest = span._min.id ?? null;
  const newest = span._max.id ?? null;
  const latest = newest !== null && (floor === null || newest > floor) ? newest : floor;
  return {
    reset: floor !== null && since < floor,
    oldest_id: oldest === null ? null : oldest.toString(),
    latest_id: latest === null ? null : latest.toString(),
  };
}
