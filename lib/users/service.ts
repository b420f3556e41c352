// Users: registration (the first user is admin). Credential checks and lookups: lib/auth/users.ts.
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { AppError } from "../errors";
import { hashPassword } from "../auth/password";
import { publicUser, type PublicUser } from "../auth/users";
import type { TRegister } from "./schemas";

export async function registerUser(input: TRegister): Promise<PublicUser> {
  const prisma = getPrisma();
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      // Serialise registrations so exactly one "first user" becomes admin.
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(4242001)");
      const count = await tx.user.count();
      if (count > 0 && !getConfig().allowSignup) {
        throw new AppError("SIGNUP_DISABLED", 403, "Sign-up is disabled on this server; ask an admin for an account");
      }
      if (await tx.user.findUnique({ where: { email: input.email } })) {
        throw new AppError("EMAIL_TAKEN", 409, "An account with this email already exists");
      }
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash, role: count === 0 ? "admin" : "user" },
      });
      return publicUser(user);
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError("EMAIL_TAKEN", 409, "An account with this email already exists");
    throw e;
  }
}
