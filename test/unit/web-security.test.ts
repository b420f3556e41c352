// Unit checks behind test/security/{sign-in,csrf-hosts,headers}: the dummy hash is a real one at the
// stored cost, the new configuration is validated, and the request rules in isolation.
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { IncomingMessage } from "node:http";
import bcrypt from "bcryptjs";
import { DUMMY_HASH, ROUNDS, hashPassword } from "@/lib/auth/password";
import { ConfigError, parseConfig } from "@/lib/config";
import { checkCsrf, checkHost, normalizeForwarded, type RequestPolicy } from "@/lib/security/requests";
import { pageCsp, securityHeaders } from "@/lib/security/headers";

const dir = () => mkdtempSync(path.join(tmpdir(), "sb-websec-"));

function req(method: string, url: string, headers: Record<string, string>, remoteAddress = "10.0.0.5"): IncomingMessage {
  return { method, url, headers: { ...headers }, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("dummy hash", () => {
  it("is a well-formed bcrypt hash at the cost new passwords get", async () => {
    expect(bcrypt.getRounds(DUMMY_HASH)).toBe(ROUNDS);
    expect(bcrypt.getRounds(await hashPassword("x"))).toBe(ROUNDS);
    expect(DUMMY_HASH).toMatch(/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/);
  });
});

describe("configuration", () => {
  it("PUBLIC_URL, TRUST_PROXY and the sign-in limits have defaults and are validated", () => {
    const c = parseConfig({ DATA_DIR: dir() });
    expect(c).toMatchObject({ publicUrl: undefined, trustProxy: false, rateLimits: { signinFailuresPerAddress: 30, signinFailuresPerAccount: 10, signinWindowSeconds: 900 } });
    expect(parseConfig({ DATA_DIR: dir(), PUBLIC_URL: "https://sb.example.com/", TRUST_PROXY: "true" })).toMatchObject({ publicUrl: "https://sb.example.com", trustProxy: true });
    for (const [env, variable] of [
      [{ PUBLIC_URL: "sb.example.com" }, "PUBLIC_URL"],
      [{ PUBLIC_URL: "https://sb.example.com/app" }, "PUBLIC_URL"],
      [{ PUBLIC_URL: "https://user:pw@sb.example.com" }, "PUBLIC_URL"],
      [{ TRUST_PROXY: "sometimes" }, "TRUST_PROXY"],
      [{ RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: "0" }, "RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT"],
    ] as const) {
      expect(() => parseConfig({ DATA_DIR: dir(), ...env }), JSON.stringify(env)).toThrow(ConfigError);
      try {
        parseConfig({ DATA_DIR: dir(), ...env });
      } catch (e) {
        expect((e as ConfigError).variable).toBe(variable);
      }
    }
  });
});

describe("request rules", () => {
  const open: RequestPolicy = { trustProxy: false, corsOrigins: ["https://partner.example"] };
  const pub: RequestPolicy = { ...open, publicUrl: "https://sb.example.com" };
  const cookie = "next-auth.session-token=abc";

  it("forwarded headers count only with TRUST_PROXY", () => {
    const r = req("GET", "/", { host: "sb.example.com", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", "x-forwarded-for": "1.2.3.4" });
    normalizeForwarded(r, open);
    expect(r.headers).toMatchObject({ "x-forwarded-proto": "http", "x-switchboard-client-ip": "10.0.0.5" });
    expect(r.headers["x-forwarded-host"]).toBeUndefined();
    const t = req("GET", "/", { host: "internal:3000", "x-forwarded-host": "sb.example.com", "x-forwarded-proto": "https", "x-forwarded-for": "6.6.6.6, 1.2.3.4" });
    normalizeForwarded(t, { ...pub, trustProxy: true });
    expect(t.headers).toMatchObject({ "x-forwarded-proto": "https", "x-forwarded-host": "sb.example.com", "x-switchboard-client-ip": "1.2.3.4" });
    expect(checkHost(t, pub)).toBeNull();
  });

  it("Host: PUBLIC_URL's host and loopback; anything else 421 (health exempt); no PUBLIC_URL: all", () => {
    expect(checkHost(req("GET", "/", { host: "evil.example" }), open)).toBeNull();
    expect(checkHost(req("GET", "/", { host: "sb.example.com" }), pub)).toBeNull();
    expect(checkHost(req("GET", "/", { host: "SB.example.com:443" }), pub)).toBeNull();
    expect(checkHost(req("GET", "/", { host: "localhost:3000" }), pub)).toBeNull();
    expect(checkHost(req("GET", "/", { host: "[::1]:3000" }), pub)).toBeNull();
    expect(checkHost(req("GET", "/", { host: "evil.example" }), pub)).toMatchObject({ status: 421, code: "HOST_NOT_ALLOWED" });
    expect(checkHost(req("GET", "/", { host: "sb.example.com.evil.example" }), pub)?.status).toBe(421);
    expect(checkHost(req("GET", "/", {}), pub)?.status).toBe(421);
    expect(checkHost(req("GET", "/api/health", { host: "10.0.0.9" }), pub)).toBeNull();
    expect(checkHost(req("POST", "/api/health", { host: "10.0.0.9" }), pub)?.status).toBe(421);
  });

  it("CSRF: cookie mutations need an allowed Origin and a JSON body; the rest passes", () => {
    const h = (extra: Record<string, string>) => ({ host: "sb.example.com", cookie, "content-type": "application/json", "content-length": "2", ...extra });
    expect(checkCsrf(req("POST", "/api/v1/projects", h({ origin: "https://evil.example" })), open)?.code).toBe("ORIGIN_NOT_ALLOWED");
    expect(checkCsrf(req("POST", "/api/v1/projects", h({})), open)?.code).toBe("ORIGIN_NOT_ALLOWED");
    expect(checkCsrf(req("POST", "/api/v1/projects", h({ origin: "null" })), open)?.code).toBe("ORIGIN_NOT_ALLOWED");
    expect(checkCsrf(req("POST", "/api/v1/projects", h({ origin: "http://sb.example.com" })), open)).toBeNull();
    expect(checkCsrf(req("POST", "/api/v1/projects", h({ origin: "https://partner.example" })), open)).toBeNull();
    expect(checkCsrf(req("POST", "/api/v1/projects", h({ host: "127.0.0.1:3000", origin: "https://sb.example.com" })), pub)).toBeNull();
    expect(checkCsrf(req("PATCH", "/api/v1/projects/x", h({ origin: "http://sb.example.com", "content-type": "text/plain" })), open)?.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(checkCsrf(req("POST", "/api/v1/projects", h({ origin: "http://sb.example.com", "content-type": "application/problem+json" })), open)).toBeNull();
    expect(checkCsrf(req("DELETE", "/api/v1/projects/x", { host: "sb.example.com", cookie, origin: "http://sb.example.com" }), open)).toBeNull(); // no body
    expect(checkCsrf(req("POST", "/api/auth/signout", h({ origin: "http://sb.example.com", "content-type": "application/x-www-form-urlencoded" })), open)).toBeNull();
    expect(checkCsrf(req("POST", "/api/auth/signout", h({ origin: "https://evil.example" })), open)?.code).toBe("ORIGIN_NOT_ALLOWED");
    expect(checkCsrf(req("POST", "/api/v1/projects", h({ origin: "https://evil.example", authorization: "Bearer x" })), open)).toBeNull();
    expect(checkCsrf(req("POST", "/api/v1/projects", { host: "sb.example.com", origin: "https://evil.example", "content-type": "text/plain" }), open)).toBeNull(); // no cookie: nothing to forge
    expect(checkCsrf(req("GET", "/api/v1/projects", h({ origin: "https://evil.example" })), open)).toBeNull();
    // Next routes percent-encoded and doubled-slash spellings to the same handlers: every path is checked,
    // and the /api/auth/ exemption from the JSON rule is judged on the decoded path.
    for (const url of ["/%61pi/v1/projects", "/api%2Fv1%2Fprojects", "//api/v1/projects", "/API/v1/projects", "/x"]) {
      expect(checkCsrf(req("POST", url, h({ origin: "https://evil.example", "content-type": "text/plain" })), open)?.code, url).toBe("ORIGIN_NOT_ALLOWED");
      expect(checkCsrf(req("POST", url, h({ origin: "http://sb.example.com", "content-type": "text/plain" })), open)?.code, url).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    expect(checkCsrf(req("POST", "/%61pi/auth/signout", h({ origin: "http://sb.example.com", "content-type": "application/x-www-form-urlencoded" })), open)).toBeNull();
    expect(checkCsrf(req("POST", "/api/v1/%E0%A4%A", h({ origin: "http://sb.example.com", "content-type": "text/plain" })), open)?.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    // Socket.IO's polling transport posts text/plain with the cookie: same origin passes, another is refused.
    expect(checkCsrf(req("POST", "/socket.io/?EIO=4&transport=polling&sid=x", h({ origin: "http://sb.example.com", "content-type": "text/plain;charset=UTF-8" })), open)).toBeNull();
    expect(checkCsrf(req("POST", "/socket.io/?EIO=4&transport=polling&sid=x", h({ origin: "https://evil.example", "content-type": "text/plain;charset=UTF-8" })), open)?.code).toBe("ORIGIN_NOT_ALLOWED");
  });

  it("with TRUST_PROXY the proxy's own (last) X-Forwarded-Host counts, not one the client put first", () => {
    const t = req("GET", "/", { host: "internal:3000", "x-forwarded-host": "localhost, evil.example", "x-forwarded-for": "1.2.3.4" });
    normalizeForwarded(t, { ...pub, trustProxy: true });
    expect(t.headers["x-forwarded-host"]).toBe("evil.example");
    expect(checkHost(t, pub)?.code).toBe("HOST_NOT_ALLOWED");
  });

  it("headers: non-page CSP forbids everything; page CSP is nonce-based, eval only in development", () => {
    expect(securityHeaders()["Content-Security-Policy"]).toContain("default-src 'none'");
    expect(securityHeaders({ publicUrl: "https://sb.example.com" })["Strict-Transport-Security"]).toBeDefined();
    expect(securityHeaders({ publicUrl: "http://sb.example.com" })["Strict-Transport-Security"]).toBeUndefined();
    expect(pageCsp("n0nce", false)).toContain("script-src 'self' 'nonce-n0nce' 'strict-dynamic';");
    expect(pageCsp("n0nce", false)).not.toContain("unsafe-eval");
    expect(pageCsp("n0nce", true)).toContain("'unsafe-eval'");
  });
});
