import { authed } from "@/lib/api/handler";
import { readRunLog } from "@/lib/test-runs/service";

export const GET = authed(async (_req, caller, { id }) =>
  new Response(await readRunLog(caller, id!), { headers: { "content-type": "text/plain; charset=utf-8" } }),
);
