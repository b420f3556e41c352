// Room access: who may join which room.
import { getPrisma } from "../db";
import { canSeeAgent, canSeeProject } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { parseRoom, rooms, type ParsedRoom } from "./events";
import { getHub } from "./hub";
import type { Caller } from "../auth/caller";

export type RoomDecision = { ok: true } | { ok: false; code: "ROOM_ACCESS_DENIED"; message: string };

const deny = (message: string): RoomDecision => ({ ok: false, code: "ROOM_ACCESS_DENIED", message });

/** The project a workflow:<id> or job:<id> room belongs to. */
async function ownerProject(kind: "workflow" | "job", id: string): Promise<string | null> {
  const prisma = getPrisma();
  const row =
    kind === "job"
      ? await prisma.job.findUnique({ where: { id }, select: { projectId: true } })
      : await prisma.workflow.findUnique({ where: { id }, select: { projectId: true } });
  return row?.projectId ?? null;
}

export async function authorizeRoom(user: PublicUser, room: ParsedRoom): Promise<RoomDecision> {
  switch (room.kind) {
    case "global":
      return { ok: true };
    case "agent": {
      // Presence is for those who share a project with the agent (and the agent itself, its creator, admins);
      // an agent that does not exist is refused like one the caller may not see.
      const a = await getPrisma().agent.findUnique({ where: { id: room.id! }, select: { id: true, createdBy: true, projectIds: true } });
      return a && (await canSeeAgent(user, a)) ? { ok: true } : deny("No agent with this id that shares a project with you");
    }
    case "user":
      if (room.id !== user.id) return deny("A user room is only for that user");
      // It carries events of all the user's projects: not for a token scoped to some of them.
      return (user as { scope?: string[] | null }).scope ? deny("A project-scoped token cannot join its user's room") : { ok: true };
    case "project":
      return (await canSeeProject(user, room.id!)) ? { ok: true } : deny("You are not a member of this project");
    case "workflow":
    case "job": {
      const projectId = await ownerProject(room.kind, room.id!);
      if (!projectId || !(await canSeeProject(user, projectId))) {
        return deny(`No ${room.kind} with this id in a project you are a member of`);
      }
      return { ok: true };
    }
  }
}

/** Rooms whose access follows project membership (all but user:<id> and global). */
export const dependsOnMembership = (room: ParsedRoom) => room.kind !== "user" && room.kind !== "global";

/**
 * A user's membership changed (removed, or a role lowered): every socket of that user, on every process
 * (fetchSockets and leave go through the Socket.IO adapter, Redis with REDIS_URL), is checked again for each
 * room that depends on membership — project:, workflow:, job:, agent: — with its own credential, and leaves
 * those it may no longer join. Returns how many rooms were left.
 */
export async function revalidateUserRooms(userId: string): Promise<number> {
  const hub = getHub();
  if (!hub) return 0;
  let left = 0;
  const decisions = new Map<string, boolean>(); // one check per credential and room for all of the user's sockets
  for (const nsp of hub.namespaces) {
    const sockets = await nsp.in(rooms.user(userId)).fetchSockets();
    for (const s of sockets) {
      const user = (s.data as { user?: Caller } | undefined)?.user;
      if (!user) continue;
      for (const name of s.rooms) {
        const room = parseRoom(name);
        if (!room || !dependsOnMembership(room)) continue;
        const key = `${user.tokenId ?? "user"}|${room.name}`;
        if (!decisions.has(key)) decisions.set(key, (await authorizeRoom(user, room)).ok);
        if (!decisions.get(key)) {
          s.leave(room.name);
          left++;
        }
      }
    }
  }
  return left;
}

/** Every socket on every process leaves these rooms (their project is gone). */
export function evictRooms(names: string[]): void {
  const hub = getHub();
  if (!hub) return;
  for (let i = 0; i < names.length; i += 500) {
    const chunk = names.slice(i, i + 500);
    for (const nsp of hub.namespaces) nsp.in(chunk).socketsLeave(chunk);
  }
}
