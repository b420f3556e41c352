import { authed, json, noContent } from "@/lib/api/handler";
import { deleteAgent, getAgent } from "@/lib/agents/service";

export const GET = authed(async (_req, caller, { id }) => json(await getAgent(caller, id!)));

export const DELETE = authed(async (_req, caller, { id }) => {
  await deleteAgent(caller, id!);
  return noContent();
});
