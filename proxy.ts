// Every page: a fresh CSP nonce (Next.js puts it on its scripts, read from the request's CSP header; pages
// are rendered per request, see app/layout.tsx). Signed-out visits to a dashboard page go to /signin and
// come back afterwards (callbackUrl); only the cookie's presence is checked here, the dashboard layout verifies it.
import { NextResponse, type NextRequest } from "next/server";
import { pageCsp } from "./lib/security/headers";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const PUBLIC_PAGES = /^\/(signin|signup|reset-password|docs)(\/|$)/;

export function proxy(req: NextRequest) {
  // Seed 002's `GET /health` (app/health/route.ts, the answer of /api/health) is no page: never sent to /signin.
  if (req.nextUrl.pathname === "/health") return NextResponse.next();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const csp = pageCsp(nonce, process.env.NODE_ENV === "development");
  const signedIn = req.cookies.getAll().some((c) => SESSION_COOKIES.some((n) => c.name === n || c.name.startsWith(`${n}.`)));
  if (!signedIn && !PUBLIC_PAGES.test(req.nextUrl.pathname)) {
    const url = req.nextUrl.clone();
    const back = req.nextUrl.pathname + req.nextUrl.search;
    url.pathname = "/signin";
    url.search = back === "/" ? "" : `?callbackUrl=${encodeURIComponent(back)}`;
    const res = NextResponse.redirect(url);
    res.headers.set("Content-Security-Policy", csp);
    return res;
  }
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

// Pages only: API routes, Next's static files and public files keep server.ts's strict non-page CSP.
export const config = { matcher: ["/((?!api/|_next/static|_next/image|icon\\.svg|favicon\\.ico|socket\\.io/).*)"] };
