// publish(): persist the envelope to the event log, then emit it to its room on every namespace.
// The only place that emits log events; per-room serialisation keeps ids in order for subscribers.
import { getPrisma } from "../db";
import { getHub } from "./hub";
import type { Envelope, EventData, EventType } from "./events";
import { metrics } from "../metrics";
import { keyedLock } from "../keyed-lock";
import { isRedactedType, redact } from "../redact";

export type PublishInput<T extends EventType> = {
  type: T;
  room: string;
  data: EventData<T>;
  source: string;
  traceId?: string | null;
};

/** Run fn while no other publish (or replay) for this room runs in this process. */
export const withRoomLock = keyedLock("room");

type EventRow = { id: bigint; room: string; type: string; source: string; traceId: string | null; data: unknown; createdAt: Date };

export function toEnvelope(row: EventRow): Envelope {
  return {
    id: row.id.toString(),
    type: row.type as EventType,
    timestamp: row.createdAt.toISOString(),
    source: row.source,
    room: row.room,
    trace_id: row.traceId,
    data: row.data as Envelope["data"],
  };
}

export function emitEnvelope(env: Envelope): void {
  const hub = getHub();
  if (!hub) return; // no realtime server (scripts): the event is still in the log
  let local = 0;
  for (const nsp of hub.namespaces) {
    local += nsp.adapter.rooms.get(env.room)?.size ?? 0;
    nsp.to(env.room).emit(env.type, env as never);
  }
  const m = metrics();
  m.published.inc({ type: env.type });
  if (local) m.delivered.inc({ type: env.type }, local);
}

export async function publish<T extends EventType>(input: PublishInput<T>): Promise<Envelope<T>> {
  const started = performance.now();
  return withRoomLock(input.room, async () => {
    const row = await getPrisma().event.create({
      data: {
        room: input.room,
        type: input.type,
        source: input.source,
        traceId: input.traceId ?? null,
        // What agents and jobs report is masked before it is stored or sent (lib/redact.ts).
        data: (isRedactedType(input.type) ? redact(input.data) : input.data) as object,
      },
    });
    const env = toEnvelope(row) as Envelope<T>;
    emitEnvelope(env);
    metrics().publishLatency.observe((performance.now() - started) / 1000);
    return env;
  });
}

/** Events of a room after an id, oldest first. */
export async function eventsAfter(room: string, after: bigint, limit: number): Promise<Envelope[]> {
  const rows = await getPrisma().event.findMany({
    where: { room, id: { gt: after } },
    orderBy: { id: "asc" },
    take: limit,
  });
  return rows.map(toEnvelope);
}

/** Make every socket of a room (on every process) leave another room: access was withdrawn. */
export function evictFromRoom(fromRoom: string, room: string): void {
  const hub = getHub();
  if (!hub) return;
  for (const nsp of hub.namespaces) nsp.in(fromRoom).socketsLeave(room);
}
