// Users: registration (first user is admin), credential checks, lookups.
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { AppError } from "../errors";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../auth/password";
import type { TRegister } from "./schemas";
import { isUuid } from "../ids";

export type PublicUser = { id: string; email: string; name: string; role: "admin" | "user" };

const pick = (u: PublicUser): PublicUser => ({ id: u.id, email: u.email, name: u.name, role: u.role });

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
      return pick(user);
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError("EMAIL_TAKEN", 409, "An account with this email already exists");
    throw e;
  }
}

export async function verifyCredentials(email: string, password: string): Promise<PublicUser | null> {
  const user = await getPrisma().user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) return verifyAgainstDummy(password).then(() => null); // the same work as a wrong password
  return (await verifyPassword(password, user.passwordHash)) ? pick(user) : null;
}

export async function getUserById(id: string): Promise<PublicUser | null> {
  if (!isUuid(id)) return null;
  const u = await getPrisma().user.findUnique({ where: { id } });
  return u ? pick(u) : null;
}

