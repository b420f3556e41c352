// Attack 13 of issue #10 against a real server: no security headers (no CSP / frame-ancestors, no
// X-Content-Type-Options). Every page, API answer, error, static file and Socket.IO polling response
// must carry them; pages get a CSP whose script nonce is fresh per response and is the one on their scripts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let user: TestUser;

beforeAll(async () => {
  s = await startServer();
  user = await s.createUser();
});
afterAll(async () => {
  await s?.stop();
});

function expectCommon(h: Headers, what: string) {
  expect(h.get("x-content-type-options"), what).toBe("nosniff");
  expect(h.get("referrer-policy"), what).toBe("same-origin");
  expect(h.get("permissions-policy"), what).toMatch(/camera=\(\)/);
  expect(h.get("x-frame-options"), what).toBe("DENY");
  const csp = h.get("content-security-policy");
  expect(csp, what).toBeTruthy();
  expect(csp, what).not.toContain(","); // one policy, not two joined
  expect(csp, what).toMatch(/frame-ancestors 'none'/);
  return csp!;
}

describe("attack 13: security headers on every response", () => {
  it("API answers (success, errors, unknown routes), health, metrics refusal, static files, Socket.IO polling", async () => {
    const targets: [string, RequestInit?][] = [
      ["/api/health"],
      ["/api/v1/me", { headers: { authorization: `Bearer ${user.token}` } }],
      ["/api/v1/me"], // 401
      ["/api/v1/nope"], // 404
      ["/api/v1/projects", { method: "POST", headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" }, body: "{" }], // 400
      ["/api/metrics"],
      ["/api/auth/csrf"],
      ["/api/v1/openapi.json"],
      ["/icon.svg"],
      ["/socket.io/?EIO=4&transport=polling"],
      ["/socket.io/?EIO=4&transport=bogus"], // engine.io's own error answer
    ];
    for (const [p, init] of targets) {
      const r = await fetch(s.url + p, { redirect: "manual", ...init });
      await r.arrayBuffer();
      const csp = expectCommon(r.headers, p);
      expect(csp, p).toContain("default-src 'none'"); // not a page: nothing runs in it
    }
    // A CORS preflight refused by server.ts itself.
    const pre = await fetch(s.url + "/api/v1/projects", { method: "OPTIONS", headers: { origin: "http://evil.example", "access-control-request-method": "POST" } });
    expectCommon(pre.headers, "OPTIONS");
  });

  it("pages: a nonce-based script policy, the nonce on Next's scripts, fresh per response", async () => {
    const nonces: string[] = [];
    for (const p of ["/signin", "/signup", "/docs/api", "/signin"]) {
      const r = await fetch(s.url + p, { redirect: "manual" });
      expect(r.status, p).toBe(200);
      const html = await r.text();
      const csp = expectCommon(r.headers, p);
      const nonce = /script-src 'self' 'nonce-([^']+)' 'strict-dynamic'/.exec(csp)?.[1];
      expect(nonce, `${p}: ${csp}`).toBeTruthy();
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp).not.toMatch(/'unsafe-eval'/); // production
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, p).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, p).toContain(`nonce="${nonce}"`);
      nonces.push(nonce!);
    }
    expect(new Set(nonces).size).toBe(nonces.length);
    // A redirect of a signed-out dashboard visit and a 404 page carry them too.
    const redirect = await fetch(s.url + "/projects", { redirect: "manual" });
    expect(redirect.status).toBe(307);
    expectCommon(redirect.headers, "redirect");
    const cookie = await s.sessionCookie(user);
    const missing = await fetch(s.url + "/definitely-not-a-page", { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect(expectCommon(missing.headers, "404")).toContain("'strict-dynamic'");
    const dashboard = await fetch(s.url + "/", { headers: { cookie } });
    expect(dashboard.status).toBe(200);
    expect(expectCommon(dashboard.headers, "dashboard")).toContain("'strict-dynamic'");
  });
});
