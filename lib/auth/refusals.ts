// Every refused credential is counted (switchboard_auth_failures_total{reason}) and logged (never the
// credential itself): REST, sockets, sign-ins, invites, password resets and password changes.
import { metrics } from "../metrics";
import { log } from "../logger";

export const AUTH_FAILURE_REASONS = [
  "missing",
  "invalid_credentials",
  "rate_limited_address",
  "rate_limited_account",
  "api_token_invalid",
  "bearer_invalid",
  "session_invalid",
  "account_missing",
  "account_disabled",
  "session_ended",
  "invite_invalid",
  "reset_invalid",
  "current_password_wrong",
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

const authLog = log("auth");

/** Count and log one refusal; `via` says where (rest, socket, sign_in, token_endpoint, invite, …). */
export function refuseCredential(reason: AuthFailureReason, via: string, extra: Record<string, unknown> = {}): void {
  metrics().authFailures.inc({ reason });
  authLog.warn({ reason, via, ...extra }, `credential refused (${reason}) via ${via}`);
}
