import { signIn } from "next-auth/react";

/** Sign in with the credentials provider; then load the target page fresh (new session, empty caches). */
export async function signInAndGo(email: string, password: string, callbackUrl: string): Promise<string | null> {
  const res = await signIn("credentials", { email, password, redirect: false });
  if (!res || res.error || !res.ok) {
    if (res?.status === 429 || res?.error === "RATE_LIMITED") return "Too many failed sign-ins. Wait a few minutes, then try again.";
    return res?.error === "CredentialsSignin" || res?.status === 401 ? "Wrong email or password." : "Could not sign in right now. Try again in a moment.";
  }
  window.location.assign(callbackUrl);
  return null;
}
