// Signed-out visits to a dashboard page go to /signin and come back afterwards (callbackUrl).
// Only the cookie's presence is checked here; the dashboard layout verifies it.
import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(req: NextRequest) {
  const signedIn = req.cookies.getAll().some((c) => SESSION_COOKIES.some((n) => c.name === n || c.name.startsWith(`${n}.`)));
  if (signedIn) return NextResponse.next();
  const url = req.nextUrl.clone();
  const back = req.nextUrl.pathname + req.nextUrl.search;
  url.pathname = "/signin";
  url.search = back === "/" ? "" : `?callbackUrl=${encodeURIComponent(back)}`;
  return NextResponse.redirect(url);
}

export const config = { matcher: ["/((?!api/|_next/|docs/|signin|signup|icon\\.svg|favicon\\.ico).*)"] };
