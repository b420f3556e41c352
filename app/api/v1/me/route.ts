import { encode } from "next-auth/jwt";
import { authed, clientIp, json, readBody } from "@/lib/api/handler";
import { ZUpdateProfile, updateProfile } from "@/lib/users/accounts";
import { authOptions } from "@/lib/auth/options";
import { getConfig } from "@/lib/config";
import type { Caller } from "@/lib/auth/identify";

export const GET = authed(async (_req, caller) =>
  json({ user: { id: caller.id, email: caller.email, name: caller.name, role: caller.role } }),
);

/**
 * One's own name and password (a new password needs the current one). A password change ends every other
 * session and Bearer JWT of the account; a browser session that made it gets a new session cookie (the same
 * sign-in id, the new session epoch) so that it stays signed in.
 */
export const PATCH = authed(async (req, caller) => {
  const r = await updateProfile(caller, await readBody(req, ZUpdateProfile), clientIp(req));
  const u = r.user;
  const headers: Record<string, string> = {};
  if (r.passwordChanged && caller.credential === "cookie") headers["set-cookie"] = await renewedSessionCookie(req, caller, r.sessionEpoch);
  return json({ user: { id: u.id, email: u.email, name: u.name, role: u.role } }, 200, headers);
});

/** next-auth's session cookie (the name the request came with), re-issued under the new session epoch. */
async function renewedSessionCookie(req: Request, caller: Caller, sessionEpoch: number): Promise<string> {
  const secure = /(?:^|;\s*)__Secure-next-auth\.session-token(?:\.\d+)?=/.test(req.headers.get("cookie") ?? "");
  const name = secure ? "__Secure-next-auth.session-token" : "next-auth.session-token";
  const maxAge = authOptions().session?.maxAge ?? 30 * 24 * 60 * 60;
  const value = await encode({
    token: { sub: caller.id, name: caller.name, email: caller.email, sep: sessionEpoch, sid: caller.sessionId },
    secret: getConfig().authSecret,
    maxAge,
  });
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}
