// The signed-in user on the server: the next-auth session, checked against the database
// (an account deleted since the cookie was issued counts as signed out).
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { getUserById, type PublicUser } from "@/lib/auth/users";

export async function currentUser(): Promise<PublicUser | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  return id ? getUserById(id) : null;
}
