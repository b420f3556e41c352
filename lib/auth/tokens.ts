// Bearer JWTs for REST and sockets (HS256, signed with AUTH_SECRET).
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { getConfig } from "../config";

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

/** Verify a Bearer JWT; null when it is malformed, forged or expired. */
export async function verifyAccessToken(token: string): Promise<VerifiedToken | null> {
  try {
    const { payload } = await jwtVerify(token, key(), { issuer: ISSUER, algorithms: ["HS256"] });
    if (payload.typ !== "access" || typeof payload.sub !== "string" || typeof payload.exp !== "number") return null;
    return { userId: payload.sub, expiresAt: new Date(payload.exp * 1000) };
  } catch (e) {
    if (e instanceof joseErrors.JOSEError || e instanceof TypeError) return null;
    throw e;
  }
}
