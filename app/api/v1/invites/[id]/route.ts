import { authed, noContent } from "@/lib/api/handler";
import { revokeInvite } from "@/lib/users/accounts";

export const DELETE = authed(async (_req, caller, { id }) => {
  await revokeInvite(caller, id!);
  return noContent();
});
