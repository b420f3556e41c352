// The accounts behind credentials: who a user id or an email and password is. Auth's own lookups, so that
// auth depends on no domain (registration lives in lib/users/service.ts and uses these).
import { getPrisma } from "../db";
import { isUuid } from "../ids";
import { verifyAgainstDummy, verifyPassword } from "./password";

export type PublicUser = { id: string; email: string; name: string; role: "admin" | "user" };

export const publicUser = (u: PublicUser): PublicUser => ({ id: u.id, email: u.email, name: u.name, role: u.role });

export async function verifyCredentials(email: string, password: string): Promise<PublicUser | null> {
  const user = await getPrisma().user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) return verifyAgainstDummy(password).then(() => null); // the same work as a wrong password
  return (await verifyPassword(password, user.passwordHash)) ? publicUser(user) : null;
}

export async function getUserById(id: string): Promise<PublicUser | null> {
  if (!isUuid(id)) return null;
  const u = await getPrisma().user.findUnique({ where: { id } });
  return u ? publicUser(u) : null;
}
