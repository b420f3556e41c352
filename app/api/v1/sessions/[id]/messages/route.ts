import { authed, json, readBody } from "@/lib/api/handler";
import { ZPostMessageSchema } from "@/lib/vibecode/schemas";
import { postMessage } from "@/lib/vibecode/service";

export const POST = authed(async (req, caller, { id }) => {
  const { prompt } = await readBody(req, ZPostMessageSchema);
  return json(await postMessage(caller, id!, prompt), 202);
});
