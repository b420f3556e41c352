// next-auth (v4) options: credentials provider, JWT sessions.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "../config";
import { randomUUID } from "node:crypto";
import { findUserById, verifyCredentials } from "./users";

export function authOptions(): NextAuthOptions {
  return {
    secret: getConfig().authSecret,
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null;
          const user = await verifyCredentials(credentials.email, credentials.password);
          return user ? { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch } : null;
        },
      }),
    ],
    callbacks: {
      // A sign-in stamps the session with the account's session epoch (sep) and an id of its own (sid). Every
      // later read of the session (pages, /api/auth/session) checks the epoch: after a password change or
      // reset the session is refused and next-auth clears its cookie (REST and sockets: lib/auth/identify.ts).
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sep = (user as { sessionEpoch?: number }).sessionEpoch ?? 0;
          token.sid = randomUUID();
          return token;
        }
        if (token.sub) {
          const found = await findUserById(token.sub);
          if (found && found.sessionEpoch !== (token.sep ?? 0)) throw new Error("The session ended: the account's password has changed");
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
