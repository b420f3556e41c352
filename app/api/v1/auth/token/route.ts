import { handle, json, limitAuth, readBody } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { ZTokenRequestSchema } from "@/lib/users/schemas";
import { verifyCredentials } from "@/lib/users/service";
import { issueAccessToken } from "@/lib/auth/tokens";

export const POST = handle(async (req) => {
  await limitAuth(req);
  const { email, password } = await readBody(req, ZTokenRequestSchema);
  const user = await verifyCredentials(email, password);
  if (!user) throw new AppError("INVALID_CREDENTIALS", 401, "Wrong email or password");
  const { token, expiresAt } = await issueAccessToken(user.id);
  return json({ token, token_type: "Bearer", expires_at: expiresAt.toISOString(), user });
});
