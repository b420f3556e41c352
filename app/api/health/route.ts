import { json } from "@/lib/api/handler";
import { pingDatabase } from "@/lib/db";
import { getHub } from "@/lib/realtime/hub";

export async function GET() {
  const database = (await pingDatabase()) ? "ok" : "down";
  const redisState = getHub()?.redis;
  const redis = !redisState ? "disabled" : redisState.ok() ? "ok" : "down";
  const status = database === "ok" && redis !== "down" ? "ok" : "degraded";
  return json({ status, checks: { database, redis } }, status === "ok" ? 200 : 503);
}
