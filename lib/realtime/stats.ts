// Connection and room counts summed over every process (fetchSockets goes through the adapter).
import { errInfo, logger } from "../logger";
import { getHub } from "./hub";

export async function connectionStats(): Promise<{ connections: number; rooms: Record<string, number>; partial?: true }> {
  const hub = getHub();
  if (!hub) return { connections: 0, rooms: {} };
  try {
    return await count(hub.namespaces, (nsp) => nsp.fetchSockets());
  } catch (e) {
    // Other processes unreachable (Redis down): this process's own numbers, marked partial.
    logger().error(errInfo((e as Error).message), "[stats] cluster-wide count failed:");
    return { ...(await count(hub.namespaces, async (nsp) => [...nsp.sockets.values()])), partial: true };
  }
}

type Nsp = NonNullable<ReturnType<typeof getHub>>["namespaces"][number];

async function count(namespaces: Nsp[], fetch: (nsp: Nsp) => Promise<{ id: string; rooms: Set<string> }[]>) {
  let connections = 0;
  const rooms: Record<string, number> = {};
  for (const nsp of namespaces) {
    const sockets = await fetch(nsp);
    connections += sockets.length;
    for (const s of sockets) {
      for (const r of s.rooms) if (r !== s.id) rooms[r] = (rooms[r] ?? 0) + 1;
    }
  }
  return { connections, rooms };
}
