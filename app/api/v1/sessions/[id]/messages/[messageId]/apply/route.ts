import { z } from "zod";
import { authed, json, readBody } from "@/lib/api/handler";
import { applyMessage } from "@/lib/vibecode/service";

const ZApplySchema = z.object({ run_tests: z.boolean().optional() }).strict();

export const POST = authed(async (req, caller, { id, messageId }) => {
  const { run_tests } = await readBody(req, ZApplySchema);
  return json(await applyMessage(caller, id!, messageId!, { runTests: run_tests }));
});
