import { authed, json, query } from "@/lib/api/handler";
import { ZEventsQuerySchema } from "@/lib/projects/schemas";
import { getProject, listProjectEvents } from "@/lib/projects/service";

export const GET = authed(async (req, caller, { id }) => {
  await getProject(caller, id!);
  const { after, limit } = query(req, ZEventsQuerySchema);
  return json(await listProjectEvents(caller, id!, BigInt(after), limit));
});
