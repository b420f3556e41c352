import { authed, json, query } from "@/lib/api/handler";
import { ZAuditQuery, listAudit } from "@/lib/audit";

export const GET = authed(async (req, caller) => json(await listAudit(caller, query(req, ZAuditQuery))));
