import { authed, json, readBody } from "@/lib/api/handler";
import { ZCreateToken, createApiToken, listApiTokens } from "@/lib/auth/api-tokens";

export const GET = authed(async (_req, caller) => json({ tokens: await listApiTokens(caller) }));

export const POST = authed(async (req, caller) => json(await createApiToken(caller, await readBody(req, ZCreateToken)), 201));
