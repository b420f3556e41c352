import { authed, json, query } from "@/lib/api/handler";
import { listPullRequests, ZListQuery } from "@/lib/github/service";

export const GET = authed(async (req, caller, { id }) => {
  const { items, truncated } = await listPullRequests(caller, id!, query(req, ZListQuery));
  return json({ pull_requests: items, truncated });
});
