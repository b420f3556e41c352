import { handle, limitAuth, noContent, readBody } from "@/lib/api/handler";
import { ZUseReset, usePasswordReset } from "@/lib/users/accounts";

/** Public: a one-time reset link's secret and the new password. */
export const POST = handle(async (req) => {
  await limitAuth(req);
  await usePasswordReset(await readBody(req, ZUseReset));
  return noContent();
});
