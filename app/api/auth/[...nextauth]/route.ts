import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { clientIp, errorResponse, limitAuth } from "@/lib/api/handler";
import { guardSignIn, recordSignIn } from "@/lib/auth/signin-guard";
import { toErrorResponse } from "@/lib/errors";
import { audit } from "@/lib/audit";
import { getPrisma } from "@/lib/db";
import { requestIdFrom, runWithContext, traceIdFrom } from "@/lib/log-context";

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
  return runWithContext({ request_id: requestIdFrom(req.headers.get("x-request-id")), trace_id: traceIdFrom(req.headers), ip }, () => credentialsSignIn(req, ctx, ip));
}

async function credentialsSignIn(req: Request, ctx: Ctx, ip: string): Promise<Response> {
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
  const who = email ? await getPrisma().user.findUnique({ where: { email: email.trim().toLowerCase().slice(0, 254) }, select: { id: true } }) : null;
  await audit(ok ? { action: "auth.sign_in", actor: who ? { id: who.id, email } : null, actorEmail: email, details: { via: "session" } } : { action: "auth.sign_in_failed", outcome: "failure", actor: who ? { id: who.id, email } : null, actorEmail: email, details: { via: "session" } });
  return res;
}

const GET = (req: Request, ctx: Ctx) => nextAuth(req, ctx);
export { GET, POST };
