// The accounts behind credentials: who a user id or an email and password is. Auth's own lookups, so that
// auth depends on no domain (registration and administration live in lib/users/ and use these).
// A disabled account (disabled_at set) is refused: its credentials stop working at once.
import { getPrisma } from "../db";
import { isUuid } from "../ids";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { cached } from "./lookup-cache";

export type PublicUser = { id: string; email: string; name: string; role: "admin" | "user" };

export const publicUser = (u: PublicUser): PublicUser => ({ id: u.id, email: u.email, name: u.name, role: u.role });

/** The account for an email and password; null when either is wrong or the account is disabled. */
export async function verifyCredentials(email: string, password: string): Promise<(PublicUser & { sessionEpoch: number }) | null> {
  const r = await checkCredentials(email, password);
  return r.ok ? { ...r.user, sessionEpoch: r.sessionEpoch } : null;
}

/** sessionEpoch: what a session or Bearer JWT issued now must carry (users.session_epoch). */
export type CredentialCheck = { ok: true; user: PublicUser; sessionEpoch: number } | { ok: false; reason: "invalid_credentials" | "account_disabled"; userId?: string };

/** verifyCredentials with the reason of a refusal (a disabled account is told only with the right password). */
export async function checkCredentials(email: string, password: string): Promise<CredentialCheck> {
  const user = await getPrisma().user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) return verifyAgainstDummy(password).then(() => ({ ok: false, reason: "invalid_credentials" })); // the same work as a wrong password
  if (!(await verifyPassword(password, user.passwordHash))) return { ok: false, reason: "invalid_credentials", userId: user.id };
  if (user.disabledAt) return { ok: false, reason: "account_disabled", userId: user.id };
  return { ok: true, user: publicUser(user), sessionEpoch: user.sessionEpoch };
}

/** An active account (a disabled one counts as absent: pages treat its session as signed out). */
export async function getUserById(id: string): Promise<PublicUser | null> {
  const r = await findUserById(id);
  return r && !r.disabled ? r.user : null;
}

/**
 * Any account by id, with whether it is disabled and its session epoch. Cached per process
 * (lib/auth/lookup-cache.ts): every change of an account (disabled, role, name, email, password) invalidates it on every process before it is answered.
 */
export async function findUserById(id: string): Promise<{ user: PublicUser; disabled: boolean; sessionEpoch: number } | null> {
  if (!isUuid(id)) return null;
  return cached("user", id, async () => {
    const u = await getPrisma().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, disabledAt: true, sessionEpoch: true } });
    return u ? { user: publicUser(u), disabled: u.disabledAt !== null, sessionEpoch: u.sessionEpoch } : null;
  });
}
