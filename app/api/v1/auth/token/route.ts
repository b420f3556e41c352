import { clientIp, handle, json, limitAuth, readBody } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { ZTokenRequestSchema } from "@/lib/users/schemas";
import { checkCredentials } from "@/lib/auth/users";
import { issueAccessToken } from "@/lib/auth/tokens";
import { guardSignIn, recordSignIn } from "@/lib/auth/signin-guard";
import { audit } from "@/lib/audit";

export const POST = handle(async (req) => {
  await limitAuth(req);
  const { email, password } = await readBody(req, ZTokenRequestSchema);
  const ip = clientIp(req);
  await guardSignIn(ip, email);
  const r = await checkCredentials(email, password);
  await recordSignIn(ip, email, r.ok, r.ok ? undefined : r.reason);
  if (!r.ok) {
    await audit({ action: "auth.sign_in_failed", outcome: "failure", actor: r.userId ? { id: r.userId, email } : null, actorEmail: email, details: { via: "token", reason: r.reason } });
    if (r.reason === "account_disabled") throw new AppError("ACCOUNT_DISABLED", 403, "This account is disabled; ask an admin");
    throw new AppError("INVALID_CREDENTIALS", 401, "Wrong email or password");
  }
  const user = r.user;
  await audit({ action: "auth.sign_in", actor: { id: user.id, email: user.email }, details: { via: "token" } });
  const { token, expiresAt } = await issueAccessToken(user.id, r.sessionEpoch);
  return json({ token, token_type: "Bearer", expires_at: expiresAt.toISOString(), user });
});
