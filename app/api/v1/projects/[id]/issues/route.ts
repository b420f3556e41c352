import { authed, json, query } from "@/lib/api/handler";
import { listIssues, ZListQuery } from "@/lib/github/service";

export const GET = authed(async (req, caller, { id }) => {
  const { items, truncated } = await listIssues(caller, id!, query(req, ZListQuery));
  return json({ issues: items, truncated });
});
