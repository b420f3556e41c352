import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { clientIp, errorResponse, limitAuth } from "@/lib/api/handler";
import { guardSignIn, recordSignIn } from "@/lib/auth/signin-guard";
import { toErrorResponse } from "@/lib/errors";

type Ctx = { params: Promise<{ nextauth: string[] }> };
const nextAuth = (req: Request, ctx: Ctx) => NextAuth(authOptions())(req as never, ctx as never) as Promise<Response>;

/** The email of a credentials sign-in (form-encoded as next-auth's client sends it, or JSON). */
async function emailOf(req: Request): Promise<string> {
  const text = await req.clone().text().catch(() => "");
  if (/json/i.test(req.headers.get("content-type") ?? "")) {
    try {
      const v = JSON.parse(text) as { email?: unknown };
      return typeof v?.email === "string" ? v.email : "";
    } catch {
      return "";
    }
  }
  return new URLSearchParams(text).get("email") ?? "";
}

/**
 * The credentials callback goes through the same limits as POST /api/v1/auth/token: attempts per address
 * (RATE_LIMIT_AUTH_PER_MINUTE), failed sign-ins per address and per account. A refusal is the contract's
 * 429 RATE_LIMITED plus the `url` next-auth's client reads (`?error=RATE_LIMITED`).
 */
async function POST(req: Request, ctx: Ctx): Promise<Response> {
  if (!new URL(req.url).pathname.endsWith("/callback/credentials")) return nextAuth(req, ctx);
  const ip = clientIp(req);
  const email = await emailOf(req);
  try {
    await limitAuth(req);
    await guardSignIn(ip, email);
  } catch (e) {
    const { status, body, headers } = toErrorResponse(e);
    if (status !== 429) return errorResponse(e);
    const url = new URL("/signin?error=RATE_LIMITED", req.url).href;
    return new Response(JSON.stringify({ ...body, url }), { status, headers: { "content-type": "application/json", ...headers } });
  }
  const res = await nextAuth(req, ctx);
  const ok = res.headers.getSetCookie().some((c) => /^(__Secure-)?next-auth\.session-token(\.\d+)?=[^;]/.test(c));
  await recordSignIn(ip, email, ok);
  return res;
}

const GET = (req: Request, ctx: Ctx) => nextAuth(req, ctx);
export { GET, POST };
