import { authed, clientIp, json, readBody } from "@/lib/api/handler";
import { ZUpdateProfile, updateProfile } from "@/lib/users/accounts";

export const GET = authed(async (_req, caller) =>
  json({ user: { id: caller.id, email: caller.email, name: caller.name, role: caller.role } }),
);

/** One's own name and password (a new password needs the current one). */
export const PATCH = authed(async (req, caller) => {
  const u = await updateProfile(caller, await readBody(req, ZUpdateProfile), clientIp(req));
  return json({ user: { id: u.id, email: u.email, name: u.name, role: u.role } });
});
