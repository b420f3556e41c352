import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignUpForm } from "@/components/auth/signup-form";
import { safeCallbackUrl } from "@/lib/client/callback-url";
import { currentUser } from "../../(dashboard)/current-user";
import { getConfig } from "@/lib/config";
import { peekInvite } from "@/lib/users/accounts";

export const metadata: Metadata = { title: "Create an account" };
export const dynamic = "force-dynamic";

const REASONS: Record<string, string> = {
  used: "This invite link has been used already.",
  expired: "This invite link has expired.",
  revoked: "This invite link was revoked.",
  unknown: "This invite link is not valid.",
};

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const token = typeof params.invite === "string" ? params.invite.slice(0, 200) : null;
  const invite = token ? await peekInvite(token) : null;
  const open = getConfig().allowSignup;
  const signinHref = callbackUrl === "/" ? "/signin" : `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return (
    <AuthCard
      title={invite?.valid ? "You're invited" : "Create your account"}
      subtitle={invite?.valid ? "Create your account to join the team." : "The first account on a new server becomes its admin."}
      footer={
        <>
          Already have an account?{" "}
          <Link href={signinHref} className="font-medium text-indigo-600 underline underline-offset-2 dark:text-indigo-400">
            Sign in
          </Link>
        </>
      }
    >
      {invite && !invite.valid ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700 dark:bg-red-950/40 dark:text-red-300" data-testid="invite-invalid">
          {REASONS[invite.reason] ?? REASONS.unknown} Ask an admin for a new one.
        </p>
      ) : (
        <>
          {!open && !invite && (
            <p className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-800 dark:bg-amber-950/40 dark:text-amber-300" data-testid="signup-closed">
              Sign-up is closed on this server: ask an admin for an invite link.
            </p>
          )}
          <SignUpForm callbackUrl={callbackUrl} invite={invite?.valid ? { token: token!, email: invite.email ?? null } : null} />
        </>
      )}
    </AuthCard>
  );
}
