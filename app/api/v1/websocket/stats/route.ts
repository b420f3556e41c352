import { authed, json } from "@/lib/api/handler";
import { requireAdmin } from "@/lib/auth/permissions";
import { connectionStats } from "@/lib/realtime/stats";

export const GET = authed(async (_req, caller) => {
  requireAdmin(caller);
  return json(await connectionStats());
});
