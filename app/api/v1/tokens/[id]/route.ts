import { authed, noContent } from "@/lib/api/handler";
import { revokeApiToken } from "@/lib/auth/api-tokens";

export const DELETE = authed(async (_req, caller, { id }) => {
  await revokeApiToken(caller, id!);
  return noContent();
});
