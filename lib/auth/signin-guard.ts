// Password guessing limits, shared by every credential path (next-auth's credentials callback and
// POST /api/v1/auth/token): failed sign-ins per client address and per account (the email, known or not,
// so the limit says nothing about which accounts exist). A point is taken before the password is checked
// (parallel guesses cannot slip past), and given back by a successful sign-in. Refusals are counted in
// switchboard_auth_failures_total{reason}.
import { createHash } from "node:crypto";
import { AppError } from "../errors";
import { forgive, take, reward } from "../limits";
import { refuseCredential } from "./refusals";

/** Emails are not kept in the limiter's store (Redis) as they are. */
const accountKey = (email: string) => "account:" + createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");
const addressKey = (ip: string) => `ip:${ip}`;

function refused(retryMs: number, scope: "address" | "account") {
  refuseCredential(`rate_limited_${scope}`, "sign_in");
  const seconds = Math.ceil(retryMs / 1000);
  const who = scope === "account" ? "this account" : "this address";
  return new AppError("RATE_LIMITED", 429, `Too many failed sign-ins for ${who}; try again in ${seconds} s`, { retry_after_ms: retryMs, scope }, { "Retry-After": String(seconds) });
}

/** Before a password is checked: throws 429 RATE_LIMITED when the address or the account has no failures left. */
export async function guardSignIn(ip: string, email: string): Promise<void> {
  const byAddress = await take("signinAddress", addressKey(ip));
  if (byAddress !== null) throw refused(byAddress, "address");
  const byAccount = await take("signinAccount", accountKey(email));
  if (byAccount !== null) {
    await reward("signinAddress", addressKey(ip)); // not a guess: the address keeps its point
    throw refused(byAccount, "account");
  }
}

/** After the check: success clears the account's failures and returns the address's point; failure is counted. */
export async function recordSignIn(ip: string, email: string, ok: boolean, reason: "invalid_credentials" | "account_disabled" = "invalid_credentials"): Promise<void> {
  if (!ok) {
    refuseCredential(reason, "sign_in");
    return;
  }
  await Promise.all([forgive("signinAccount", accountKey(email)), reward("signinAddress", addressKey(ip))]);
}
