import { authed, json } from "@/lib/api/handler";
import { requireAdmin } from "@/lib/auth/permissions";
import { adminMetrics } from "@/lib/admin/metrics";

/** The admin page's live numbers (admins only). */
export const GET = authed(async (_req, caller) => {
  requireAdmin(caller);
  return json(await adminMetrics());
});
