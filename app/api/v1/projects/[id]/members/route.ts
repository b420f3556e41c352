import { authed, json, readBody } from "@/lib/api/handler";
import { ZAddMemberSchema } from "@/lib/projects/schemas";
import { addMember, getProject, listMembers } from "@/lib/projects/service";

export const GET = authed(async (_req, caller, { id }) => json({ members: await listMembers(caller, id!) }));

export const POST = authed(async (req, caller, { id }) => {
  await getProject(caller, id!);
  const { member, created } = await addMember(caller, id!, await readBody(req, ZAddMemberSchema));
  return json(member, created ? 201 : 200);
});
