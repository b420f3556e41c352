// Who is calling: a Bearer JWT (REST header, socket auth.token or ?token=) or the next-auth session cookie.
import { getToken } from "next-auth/jwt";
import { parse as parseCookie } from "cookie";
import { getConfig } from "../config";
import { verifyAccessToken } from "./tokens";
import { looksLikeApiToken, verifyApiToken } from "./api-tokens";
import { findUserById } from "./users";
import type { Caller, IdentifyResult } from "./caller";

export type { Caller, IdentifyResult, RefusalReason } from "./caller";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export function hasSessionCookie(cookieHeader: string | undefined | null): boolean {
  if (!cookieHeader) return false;
  return Object.keys(parseCookie(cookieHeader)).some((k) => SESSION_COOKIES.some((c) => k === c || k.startsWith(c + ".")));
}

type Who = { userId: string; expiresAt: Date | null; sessionEpoch?: number; sessionId?: string };

/** A session cookie's claims (lib/auth/options.ts): sub, sep (session epoch; none before epochs: 0), sid. */
async function fromCookie(cookieHeader: string): Promise<Who | null> {
  const cookies = parseCookie(cookieHeader) as Record<string, string>;
  for (const cookieName of SESSION_COOKIES) {
    if (!Object.keys(cookies).some((k) => k === cookieName || k.startsWith(cookieName + "."))) continue;
    // next-auth v4's getToken ignores req.headers.cookie: pass the parsed cookies.
    const t = await getToken({
      req: { headers: { cookie: cookieHeader }, cookies } as never,
      secret: getConfig().authSecret,
      cookieName,
      secureCookie: cookieName.startsWith("__Secure-"),
    }).catch(() => null);
    if (t?.sub) {
      const sessionEpoch = t.sep === undefined ? 0 : t.sep;
      if (typeof sessionEpoch !== "number") return null;
      return { userId: t.sub, expiresAt: typeof t.exp === "number" ? new Date(t.exp * 1000) : null, sessionEpoch, sessionId: typeof t.sid === "string" ? t.sid : undefined };
    }
  }
  return null;
}

export async function identify(input: { token?: string | null; cookie?: string | null }): Promise<IdentifyResult> {
  const token = input.token?.trim();
  let who: Who | null = null;
  let credential: Caller["credential"];
  let extra: Partial<Caller> = {};
  if (token && looksLikeApiToken(token)) {
    credential = "api_token";
    const t = await verifyApiToken(token);
    if (!t) return { ok: false, code: "AUTH_FAILED", message: "The API token is invalid, revoked or has expired", reason: "api_token_invalid" };
    who = t;
    extra = { tokenId: t.tokenId, tokenKind: t.kind, agentId: t.agentId, scope: t.projectIds.length ? t.projectIds : null };
  } else if (token) {
    credential = "bearer";
    who = await verifyAccessToken(token);
    if (!who) return { ok: false, code: "AUTH_FAILED", message: "The token is invalid or has expired", reason: "bearer_invalid" };
  } else if (hasSessionCookie(input.cookie)) {
    credential = "cookie";
    who = await fromCookie(input.cookie!);
    if (!who) return { ok: false, code: "AUTH_FAILED", message: "The session is invalid or has expired; sign in again", reason: "session_invalid" };
  } else {
    return { ok: false, code: "AUTH_MISSING", message: "No credential: send a Bearer token or sign in", reason: "missing" };
  }
  const found = await findUserById(who.userId);
  if (!found) return { ok: false, code: "AUTH_FAILED", message: "The account behind this credential no longer exists", reason: "account_missing" };
  // A disabled account: every credential of it (tokens, JWTs, session cookies) is refused at once.
  if (found.disabled) return { ok: false, code: "AUTH_FAILED", message: "This account is disabled", reason: "account_disabled" };
  // A password change or reset ended every browser session and Bearer JWT issued before it (API tokens are
  // not tied to the password: they stay until revoked).
  if (who.sessionEpoch !== undefined && who.sessionEpoch !== found.sessionEpoch) {
    return { ok: false, code: "AUTH_FAILED", message: "The account's password has changed since this credential was issued; sign in again", reason: "session_ended" };
  }
  const user = found.user;
  if (who.sessionId) extra.sessionId = who.sessionId;
  // One caller object per verified credential and cached account row: every socket of a JWT shares it (memory
  // per connection). Callers are never mutated (auth:refresh replaces a socket's caller).
  const known = callers.get(who);
  if (known && known.user === user && known.caller.credential === credential) return { ok: true, caller: known.caller };
  const caller: Caller = { ...user, credential, expiresAt: who.expiresAt, ...extra };
  callers.set(who, { user, caller });
  return { ok: true, caller };
}

/** Callers by verified credential (the JWT cache's entries are shared per token; others are new each time). */
const callers = new WeakMap<object, { user: object; caller: Caller }>();
