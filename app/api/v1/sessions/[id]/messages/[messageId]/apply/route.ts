import { authed, json, readBody } from "@/lib/api/handler";
import { ZApplySchema } from "@/lib/ship/schemas";
import { applyMessage } from "@/lib/vibecode/service";

export const POST = authed(async (req, caller, { id, messageId }) => {
  const body = await readBody(req, ZApplySchema);
  return json(await applyMessage(caller, id!, messageId!, { runTests: body.run_tests === true }));
});
