// Bearer JWTs for REST and sockets (HS256, signed with AUTH_SECRET).
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { getConfig } from "../config";
import { part } from "../runtime";

export const TOKEN_TTL_SECONDS = 24 * 60 * 60;
const ISSUER = "switchboard";

const key = () => new TextEncoder().encode(getConfig().authSecret);

/** sessionEpoch: the account's users.session_epoch now; a password change moves it on and the token is refused. */
export async function issueAccessToken(userId: string, sessionEpoch: number, ttlSeconds = TOKEN_TTL_SECONDS) {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT({ typ: "access", sep: sessionEpoch })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key());
  return { token, expiresAt: new Date(exp * 1000) };
}

export type VerifiedToken = { userId: string; expiresAt: Date; sessionEpoch: number };

/**
 * JWTs already verified (signature and claims depend only on the token and AUTH_SECRET; the account behind one
 * is looked up, and may be refused, on every use): reconnects and REST calls with the same token skip the
 * HMAC. Bounded; an entry is good until the token's own expiry.
 */
const VERIFIED_MAX = 10_000;
const verified = () => part<Map<string, VerifiedToken>>("verified jwts", () => new Map());

/** Verify a Bearer JWT; null when it is malformed, forged or expired. */
export async function verifyAccessToken(token: string): Promise<VerifiedToken | null> {
  const known = verified().get(token);
  if (known) {
    if (known.expiresAt.getTime() > Date.now()) return known;
    verified().delete(token);
    return null;
  }
  try {
    const { payload } = await jwtVerify(token, key(), { issuer: ISSUER, algorithms: ["HS256"] });
    if (payload.typ !== "access" || typeof payload.sub !== "string" || typeof payload.exp !== "number") return null;
    // Tokens issued before session epochs existed carry none: epoch 0, the column's default.
    const sessionEpoch = payload.sep === undefined ? 0 : payload.sep;
    if (typeof sessionEpoch !== "number" || !Number.isSafeInteger(sessionEpoch)) return null;
    const v = { userId: payload.sub, expiresAt: new Date(payload.exp * 1000), sessionEpoch };
    const map = verified();
    if (map.size >= VERIFIED_MAX) map.delete(map.keys().next().value!);
    if (token.length <= 4096) map.set(token, v);
    return v;
  } catch (e) {
    if (e instanceof joseErrors.JOSEError || e instanceof TypeError) return null;
    throw e;
  }
}
