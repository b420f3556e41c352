import { authed, json, query } from "@/lib/api/handler";
import { getTrace, ZTraceQuerySchema } from "@/lib/traces/service";

export const GET = authed(async (req, caller, { traceId }) => {
  const { after, limit } = query(req, ZTraceQuerySchema);
  return json(await getTrace(caller, traceId!, BigInt(after), limit));
});
