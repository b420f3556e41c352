// Room names: the contract's rooms a client may join, and the server's internal rooms (never joinable).
export const ROOM_KINDS = ["user", "project", "agent", "workflow", "job"] as const;
export type RoomKind = (typeof ROOM_KINDS)[number] | "global";
export type ParsedRoom = { kind: RoomKind; id: string | null; name: string };

const ROOM_RE = /^(user|project|agent|workflow|job):([0-9a-fA-F-]{36})$/;

/** Parse a room name; null for anything that is not one of the contract's rooms (internal rooms included). */
export function parseRoom(name: unknown): ParsedRoom | null {
  if (typeof name !== "string" || name.length > 100) return null;
  if (name === "global") return { kind: "global", id: null, name };
  const m = ROOM_RE.exec(name);
  if (!m) return null;
  const id = m[2]!.toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return null;
  return { kind: m[1] as RoomKind, id, name: `${m[1]}:${id}` };
}

export const rooms = {
  user: (id: string) => `user:${id}`,
  project: (id: string) => `project:${id}`,
  agent: (id: string) => `agent:${id}`,
  workflow: (id: string) => `workflow:${id}`,
  job: (id: string) => `job:${id}`,
  global: "global",
} as const;

/**
 * Internal rooms: joined by the server for a socket's credential, never by a client (parseRoom refuses them).
 * token:<id> — every socket using that API token (kicked on revoke); presence:<agent id> — the agent's own sockets;
 * account:<user id> — every socket of the user, project-scoped tokens included (kicked when the account is disabled).
 */
export const internalRooms = {
  account: (userId: string) => `account:${userId}`,
  token: (tokenId: string) => `token:${tokenId}`,
  presence: (agentId: string) => `presence:${agentId}`,
} as const;
