// Connection and room counts summed over every process (fetchSockets goes through the adapter).
import { getHub } from "./hub";

export async function connectionStats(): Promise<{ connections: number; rooms: Record<string, number> }> {
  const hub = getHub();
  if (!hub) return { connections: 0, rooms: {} };
  let connections = 0;
  const rooms: Record<string, number> = {};
  for (const nsp of hub.namespaces) {
    const sockets = await nsp.fetchSockets();
    connections += sockets.length;
    for (const s of sockets) {
      for (const r of s.rooms) if (r !== s.id) rooms[r] = (rooms[r] ?? 0) + 1;
    }
  }
  return { connections, rooms };
}
