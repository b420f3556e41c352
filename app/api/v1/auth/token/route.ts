import { clientIp, handle, json, limitAuth, readBody } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { ZTokenRequestSchema } from "@/lib/users/schemas";
import { verifyCredentials } from "@/lib/auth/users";
import { issueAccessToken } from "@/lib/auth/tokens";
import { guardSignIn, recordSignIn } from "@/lib/auth/signin-guard";

export const POST = handle(async (req) => {
  await limitAuth(req);
  const { email, password } = await readBody(req, ZTokenRequestSchema);
  const ip = clientIp(req);
  await guardSignIn(ip, email);
  const user = await verifyCredentials(email, password);
  await recordSignIn(ip, email, !!user);
  if (!user) throw new AppError("INVALID_CREDENTIALS", 401, "Wrong email or password");
  const { token, expiresAt } = await issueAccessToken(user.id);
  return json({ token, token_type: "Bearer", expires_at: expiresAt.toISOString(), user });
});
