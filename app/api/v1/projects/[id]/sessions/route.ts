import { authed, json } from "@/lib/api/handler";
import { createSession, listSessions } from "@/lib/vibecode/service";

export const GET = authed(async (_req, caller, { id }) => json({ sessions: await listSessions(caller, id!) }));
export const POST = authed(async (_req, caller, { id }) => json(await createSession(caller, id!), 201));
