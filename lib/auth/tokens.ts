// Bearer JWTs for REST and sockets (HS256, signed with AUTH_SECRET).
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { getConfig } from "../config";
import { part } from "../runtime";

export const TOKEN_TTL_SECONDS = 24 * 60 * 60;
const ISSUER = "switchboard";

const key = () => new TextEncoder().encode(getConfig().authSecret);

export async function issueAccessToken(userId: string, ttlSeconds = TOKEN_TTL_SECONDS) {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT({ typ: "access" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key());
  return { token, expiresAt: new Date(exp * 1000) };
}

export type VerifiedToken = { userId: string; expiresAt: Date };

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
    const v = { userId: payload.sub, expiresAt: new Date(payload.exp * 1000) };
    const map = verified();
    if (map.size >= VERIFIED_MAX) map.delete(map.keys().next().value!);
    if (token.length <= 4096) map.set(token, v);
    return v;
  } catch (e) {
    if (e instanceof joseErrors.JOSEError || e instanceof TypeError) return null;
    throw e;
  }
}
