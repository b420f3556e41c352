import { authed, json, noContent, readBody } from "@/lib/api/handler";
import { ZUpdateMemberSchema } from "@/lib/projects/schemas";
import { addMember, listMembers, removeMember } from "@/lib/projects/service";
import { notFound } from "@/lib/errors";

export const PUT = authed(async (req, caller, { id, userId }) => {
  const { role } = await readBody(req, ZUpdateMemberSchema);
  const member = (await listMembers(caller, id!)).find((m) => m.user_id === userId);
  if (!member) throw notFound("Member");
  return json((await addMember(caller, id!, { email: member.email, role })).member);
});

export const DELETE = authed(async (_req, caller, { id, userId }) => {
  await removeMember(caller, id!, userId!);
  return noContent();
});
