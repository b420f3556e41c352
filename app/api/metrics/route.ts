import { timingSafeEqual } from "node:crypto";
import { handle, requireCaller } from "@/lib/api/handler";
import { requireAdmin } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { metrics } from "@/lib/metrics";

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Prometheus text format; an admin's credential or `Authorization: Bearer <METRICS_TOKEN>`. */
export const GET = handle(async (req) => {
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  const metricsToken = getConfig().metricsToken;
  if (!(metricsToken && token && same(token, metricsToken))) requireAdmin(await requireCaller(req));
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
});
