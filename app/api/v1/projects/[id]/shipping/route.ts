import { authed, json, readBody } from "@/lib/api/handler";
import { ZShippingSchema } from "@/lib/ship/schemas";
import { getShipping, updateShipping } from "@/lib/ship/service";

export const GET = authed(async (_req, caller, { id }) => json(await getShipping(caller, id!)));
export const PUT = authed(async (req, caller, { id }) => json(await updateShipping(caller, id!, await readBody(req, ZShippingSchema))));
