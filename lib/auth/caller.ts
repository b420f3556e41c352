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
};

export type IdentifyResult =
  | { ok: true; caller: Caller }
  | { ok: false; code: "AUTH_MISSING" | "AUTH_FAILED"; message: string };
