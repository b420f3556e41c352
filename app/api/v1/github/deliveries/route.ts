import { z } from "zod";
import { authed, json, query } from "@/lib/api/handler";
import { listDeliveries } from "@/lib/github/service";

const ZQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const GET = authed(async (req, caller) => json({ deliveries: await listDeliveries(caller, query(req, ZQuery).limit) }));
