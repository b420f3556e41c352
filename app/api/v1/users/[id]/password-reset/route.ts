import { authed, requestOrigin, json, readBody } from "@/lib/api/handler";
import { ZCreateReset, createPasswordReset } from "@/lib/users/accounts";

export const POST = authed(async (req, caller, { id }) =>
  json(await createPasswordReset(caller, id!, await readBody(req, ZCreateReset), requestOrigin(req)), 201),
);
