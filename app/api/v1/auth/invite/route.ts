import { z } from "zod";
import { handle, json, limitAuth, readBody } from "@/lib/api/handler";
import { peekInvite } from "@/lib/users/accounts";

/** Public: whether an invite link can still be used, and the email it is for (the sign-up page). */
export const POST = handle(async (req) => {
  await limitAuth(req);
  const { token } = await readBody(req, z.object({ token: z.string().min(1).max(200) }).strict());
  return json(await peekInvite(token));
});
