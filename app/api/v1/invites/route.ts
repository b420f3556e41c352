import { authed, requestOrigin, json, readBody } from "@/lib/api/handler";
import { ZCreateInvite, createInvite, listInvites } from "@/lib/users/accounts";

export const GET = authed(async (_req, caller) => json({ invites: await listInvites(caller) }));

export const POST = authed(async (req, caller) => json(await createInvite(caller, await readBody(req, ZCreateInvite), requestOrigin(req)), 201));
