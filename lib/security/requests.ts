// Checks server.ts applies to every HTTP request and WebSocket upgrade before Next.js or Socket.IO see it:
// forwarded headers only from a trusted proxy, the Host allowlist (DNS rebinding) and CSRF for
// cookie-authenticated mutations. Pure functions of (request, policy), unit-testable without a server.
import type { IncomingMessage } from "node:http";
import { hasSessionCookie } from "../auth/identify";

export type RequestPolicy = { publicUrl?: string; trustProxy: boolean; corsOrigins: string[] };
export type Refusal = { status: number; code: string; reason: string; message: string };

const last = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(",") : v)?.split(",").at(-1)?.trim() || undefined;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim() || undefined;

/**
 * Without TRUST_PROXY, X-Forwarded-* come from the client and mean nothing: drop them (next-auth, Next.js
 * and our origin checks would otherwise believe them) and say the truth: plain HTTP from the socket's peer.
 * With TRUST_PROXY the proxy's X-Forwarded-For (its last entry: the address the proxy saw) is the client.
 * Sets x-switchboard-client-ip, the address rate limits count by (a client cannot forge it).
 */
export function normalizeForwarded(req: IncomingMessage, policy: RequestPolicy): void {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (policy.trustProxy) {
    const xff = req.headers["x-forwarded-for"];
    const hops = (Array.isArray(xff) ? xff.join(",") : (xff ?? "")).split(",").map((s) => s.trim()).filter(Boolean);
    req.headers["x-switchboard-client-ip"] = hops.at(-1) ?? peer;
    req.headers["x-forwarded-proto"] = first(req.headers["x-forwarded-proto"]) === "https" ? "https" : "http";
    const fh = last(req.headers["x-forwarded-host"]); // the proxy's own entry, as for X-Forwarded-For
    if (fh) req.headers["x-forwarded-host"] = fh;
    else delete req.headers["x-forwarded-host"];
  } else {
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-for"];
    delete req.headers["x-forwarded-port"];
    delete req.headers["forwarded"];
    req.headers["x-forwarded-proto"] = "http";
    req.headers["x-switchboard-client-ip"] = peer;
  }
}

/** The host the client asked for (after normalizeForwarded: X-Forwarded-Host only from a trusted proxy). */
export function requestHost(req: IncomingMessage): string | undefined {
  return (first(req.headers["x-forwarded-host"]) ?? req.headers.host)?.toLowerCase();
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const stripDefaultPort = (host: string) => host.replace(/:(80|443)$/, "");

/**
 * With PUBLIC_URL set, only its host is served (a DNS-rebinding page on evil.example reaches us with
 * Host: evil.example and is refused). Loopback names stay allowed: a browser sends them only for a page
 * that is itself on localhost, and local health checks and tools use them. GET /api/health (and /health) is exempt
 * (probes from orchestrators use the pod's address; it tells nothing private).
 */
export function checkHost(req: IncomingMessage, policy: RequestPolicy): Refusal | null {
  if (!policy.publicUrl) return null;
  if (req.method === "GET" && /^\/(api\/)?health(\?|$)/.test(req.url ?? "")) return null; // and seed 002's /health
  const host = requestHost(req);
  const want = new URL(policy.publicUrl).host.toLowerCase();
  if (host && (stripDefaultPort(host) === stripDefaultPort(want) || LOOPBACK.has(host.replace(/:\d+$/, "")))) return null;
  return { status: 421, code: "HOST_NOT_ALLOWED", reason: "host_not_allowed", message: `This server answers only for ${want} (PUBLIC_URL)` };
}

/** An Origin that may act with the user's cookie: this server's own (its Host or PUBLIC_URL) or CORS_ORIGINS. */
export function originAllowedFor(origin: string, req: IncomingMessage, policy: RequestPolicy): boolean {
  if (policy.corsOrigins.includes(origin) || origin === policy.publicUrl) return true;
  try {
    return new URL(origin).host === requestHost(req);
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The path as a router may understand it: decoded until stable, backslashes as slashes, no empty segments. */
export function normalPath(url: string): string {
  let p = url.split("?")[0] ?? "/";
  for (let i = 0; i < 5; i++) {
    let d: string;
    try {
      d = decodeURIComponent(p);
    } catch {
      return "/\0invalid"; // not decodable: matches no exemption
    }
    if (d === p) break;
    p = d;
  }
  return p.replace(/\\/g, "/").replace(/\/{2,}/g, "/").toLowerCase();
}
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

const hasBody = (req: IncomingMessage) =>
  req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? "0") > 0;

/**
 * CSRF: a POST/PUT/PATCH/DELETE under /api/ that a session cookie would authenticate (no Authorization
 * header) needs an allowed Origin, and a body must be JSON (a cross-site form or `text/plain` fetch cannot
 * send that without a CORS preflight). next-auth's own routes (/api/auth/*, form-encoded, with their own
 * CSRF token) get the Origin check only. Bearer and API-token calls are not affected.
 */
export function checkCsrf(req: IncomingMessage, policy: RequestPolicy): Refusal | null {
  // Every path, not only what starts with /api/: Next also routes percent-encoded spellings
  // (/%61pi/v1/projects reaches /api/v1/projects), so a prefix test on the raw URL is no boundary.
  if (!UNSAFE.has(req.method ?? "")) return null;
  if (req.headers.authorization || !hasSessionCookie(req.headers.cookie)) return null;
  const origin = req.headers.origin;
  if (!origin || !originAllowedFor(origin, req, policy)) {
    return {
      status: 403,
      code: "ORIGIN_NOT_ALLOWED",
      reason: "origin_not_allowed",
      message: origin
        ? `Requests from ${origin} may not change anything with this session (same origin or CORS_ORIGINS only)`
        : "A change made with the session cookie needs an Origin header (browsers send it); scripts should use a Bearer token",
    };
  }
  // JSON is the rule for our API; next-auth posts forms and Socket.IO's polling transport posts text/plain
  // (it checks the Origin itself, and above).
  const p = normalPath(req.url ?? "/");
  if (!p.startsWith("/api/auth/") && !p.startsWith("/socket.io/") && hasBody(req) && !JSON_TYPE.test(String(req.headers["content-type"] ?? ""))) {
    return { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", reason: "unsupported_media_type", message: "The body must be JSON (Content-Type: application/json)" };
  }
  return null;
}
