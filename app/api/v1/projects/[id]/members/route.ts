import { authed, requestOrigin, json, readBody } from "@/lib/api/handler";
import { ZAddMemberSchema } from "@/lib/projects/schemas";
import { addMember, getProject, inviteMember, listMembers } from "@/lib/projects/service";

export const GET = authed(async (_req, caller, { id }) => json({ members: await listMembers(caller, id!) }));

export const POST = authed(async (req, caller, { id }) => {
  await getProject(caller, id!);
  const input = await readBody(req, ZAddMemberSchema);
  if (input.invite) {
    // No account yet: 202 with the invite link (shown once); an existing account is simply added.
    const invite = await inviteMember(caller, id!, input, requestOrigin(req));
    if (invite) return json({ invite }, 202);
  }
  const { member, created } = await addMember(caller, id!, input);
  return json(member, created ? 201 : 200);
});
