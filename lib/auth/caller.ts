// Who is calling, as lib/auth/identify.ts finds it: a user and the credential it came with.
import type { PublicUser } from "./users";

export type Caller = PublicUser & {
  credential: "bearer" | "cookie" | "api_token";
  expiresAt: Date | null;
  /** API tokens only: the token, its kind, its agent and its project scope (null = every project of the user). */
  tokenId?: string;
  tokenKind?: "personal" | "agent";
  agentId?: string | null;
  scope?: string[] | null;
  /** Browser sessions only: the sign-in's id (the `sid` claim), kept by the session a password change came from. */
  sessionId?: string;
};

export type IdentifyResult =
  | { ok: true; caller: Caller }
  | { ok: false; code: "AUTH_MISSING" | "AUTH_FAILED"; message: string; reason: RefusalReason };

/** Why a credential was refused: the `reason` of switchboard_auth_failures_total and of the log line. */
export type RefusalReason = "missing" | "api_token_invalid" | "bearer_invalid" | "session_invalid" | "account_missing" | "account_disabled" | "session_ended";
