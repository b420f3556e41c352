// Users: registration (first user is admin), credential checks, lookups.
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { AppError } from "../errors";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../auth/password";
import type { TRegister } from "./schemas";
import { isUuid } from "../ids";
import { afterInvite, consumeInvite, reportingRefusals } from "./accounts";
import { audit } from "../audit";

export type PublicUser = { id: string; email: string; name: string; role: "admin" | "user" };

const pick = (u: PublicUser): PublicUser => ({ id: u.id, email: u.email, name: u.name, role: u.role });

/**
 * Register. The first account becomes admin. With ALLOW_SIGNUP=false only with a valid invite (one use,
 * unexpired, unrevoked, for this email when it names one): the invite's role and project membership apply.
 */
export async function registerUser(input: TRegister): Promise<PublicUser> {
  const prisma = getPrisma();
  const passwordHash = await hashPassword(input.password);
  try {
    const { user, link } = await reportingRefusals(() =>
      prisma.$transaction(async (tx) => {
        // Serialise registrations so exactly one "first user" becomes admin.
        await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(4242001)");
        const count = await tx.user.count();
        if (count > 0 && !getConfig().allowSignup && !input.invite) {
          throw new AppError("SIGNUP_DISABLED", 403, "Sign-up is disabled on this server; ask an admin for an invite link");
        }
        if (await tx.user.findUnique({ where: { email: input.email } })) {
          throw new AppError("EMAIL_TAKEN", 409, "An account with this email already exists");
        }
        const link = input.invite ? await consumeInvite(tx, input.invite, input.email) : null;
        const user = await tx.user.create({
          data: { email: input.email, name: input.name, passwordHash, role: count === 0 ? "admin" : (link?.role ?? "user") },
        });
        return { user: pick(user), link };
      }),
    );
    if (link) await afterInvite(link, user);
    await audit({ action: "user.register", actor: { id: user.id, email: user.email }, target: { type: "user", id: user.id }, details: { role: user.role, invite_id: link?.id ?? null } });
    return user;
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError("EMAIL_TAKEN", 409, "An account with this email already exists");
    throw e;
  }
}

/** The account for an email and password; null when either is wrong or the account is disabled. */
export async function verifyCredentials(email: string, password: string): Promise<PublicUser | null> {
  const r = await checkCredentials(email, password);
  return r.ok ? r.user : null;
}

export type CredentialCheck = { ok: true; user: PublicUser } | { ok: false; reason: "invalid_credentials" | "account_disabled"; userId?: string };

/** verifyCredentials with the reason of a refusal (a disabled account is told only with the right password). */
export async function checkCredentials(email: string, password: string): Promise<CredentialCheck> {
  const user = await getPrisma().user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) return verifyAgainstDummy(password).then(() => ({ ok: false, reason: "invalid_credentials" })); // the same work as a wrong password
  if (!(await verifyPassword(password, user.passwordHash))) return { ok: false, reason: "invalid_credentials", userId: user.id };
  if (user.disabledAt) return { ok: false, reason: "account_disabled", userId: user.id };
  return { ok: true, user: pick(user) };
}

/** An active account (a disabled one counts as absent: pages treat its session as signed out). */
export async function getUserById(id: string): Promise<PublicUser | null> {
  const r = await findUserById(id);
  return r && !r.disabled ? r.user : null;
}

export async function findUserById(id: string): Promise<{ user: PublicUser; disabled: boolean } | null> {
  if (!isUuid(id)) return null;
  const u = await getPrisma().user.findUnique({ where: { id } });
  return u ? { user: pick(u), disabled: u.disabledAt !== null } : null;
}

