import { authed, json, query } from "@/lib/api/handler";
import { ZFeedQuerySchema } from "@/lib/feed/kinds";
import { listFeed } from "@/lib/feed/service";
import { getProject } from "@/lib/projects/service";

export const GET = authed(async (req, caller, { id }) => {
  await getProject(caller, id!); // a project the caller cannot see is 404 whatever the query says
  return json(await listFeed(caller, id!, query(req, ZFeedQuerySchema)));
});
