// Users: registration (the first user is admin). Credential checks and lookups: lib/auth/users.ts.
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { AppError } from "../errors";
import { hashPassword } from "../auth/password";
import { publicUser, type PublicUser } from "../auth/users";
import type { TRegister } from "./schemas";
import { afterInvite, consumeInvite, reportingRefusals } from "./accounts";
import { audit } from "../audit";

export type { PublicUser } from "../auth/users";

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
        return { user: publicUser(user), link };
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
