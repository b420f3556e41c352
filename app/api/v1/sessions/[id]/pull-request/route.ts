import { authed, json, readBody } from "@/lib/api/handler";
import { ZPullRequestSchema } from "@/lib/ship/schemas";
import { openPullRequest } from "@/lib/ship/service";

export const POST = authed(async (req, caller, { id }) => json(await openPullRequest(caller, id!, await readBody(req, ZPullRequestSchema)), 201));
