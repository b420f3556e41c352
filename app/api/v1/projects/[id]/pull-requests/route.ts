import { authed, json, query } from "@/lib/api/handler";
import { listPullRequests, ZListQuery } from "@/lib/github/service";

export const GET = authed(async (req, caller, { id }) => json({ pull_requests: await listPullRequests(caller, id!, query(req, ZListQuery)) }));
