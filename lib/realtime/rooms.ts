// Room access: who may join which room.
import { getPrisma } from "../db";
import { canSeeProject } from "../auth/permissions";
import type { PublicUser } from "../users/service";
import type { ParsedRoom } from "./events";

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
    case "agent":
      return { ok: true };
    case "user":
      return room.id === user.id ? { ok: true } : deny("A user room is only for that user");
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
