// Attack 6 of issue #10 against a real server: a cross-origin `text/plain` POST carrying the session cookie
// created a project (201). And with PUBLIC_URL set, a DNS-rebinding page (Host: its own name, resolving to
// us) must be refused; X-Forwarded-* may only be believed from a trusted proxy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { io } from "socket.io-client";
import { startServer, type TestServer, type TestUser } from "../support/server";

/** A raw HTTP request (fetch cannot set Host). */
function raw(base: string, method: string, p: string, headers: Record<string, string>, body?: string) {
  const u = new URL(base);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }>((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: p, headers: { ...headers, ...(body ? { "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: any = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("attack 6: CSRF with the session cookie (default settings)", () => {
  let s: TestServer;
  let user: TestUser;
  let cookie: string;

  beforeAll(async () => {
    s = await startServer({ env: { CORS_ORIGINS: "https://partner.example" } });
    user = await s.createUser();
    cookie = await s.sessionCookie(user);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const projects = async () => (await s.request("GET", "/api/v1/projects", { token: user.token })).body.projects.length as number;

  it("a cross-origin text/plain POST with the cookie is refused and creates nothing", async () => {
    const before = await projects();
    const r = await s.request("POST", "/api/v1/projects", {
      headers: { cookie, origin: "http://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ name: "pwned" }),
    });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: { code: "ORIGIN_NOT_ALLOWED", message: expect.any(String) } });
    // Same with a JSON type (a CORS preflight would stop the browser; we stop it here too), PUT/PATCH/DELETE alike.
    const json = await s.request("POST", "/api/v1/projects", { headers: { cookie, origin: "http://evil.example" }, body: { name: "pwned" } });
    expect(json.status).toBe(403);
    const p = await s.createProject(user);
    for (const method of ["PATCH", "PUT", "DELETE"]) {
      const m = await s.request(method, `/api/v1/projects/${p.id}`, { headers: { cookie, origin: "http://evil.example" }, body: { name: "renamed" } });
      expect(m.status, method).toBe(403);
    }
    // A same-site attacker on another port is another origin; so is "null" (sandboxed frames).
    const port = Number(new URL(s.url).port);
    for (const origin of [`http://127.0.0.1:${port + 1}`, "null"]) {
      const m = await s.request("POST", "/api/v1/projects", { headers: { cookie, origin, "content-type": "text/plain" }, body: '{"name":"pwned"}' });
      expect(m.status, origin).toBe(403);
    }
    expect(await projects()).toBe(before + 1);
  });

  it("no Origin with the cookie: refused (browsers always send it on these methods)", async () => {
    const r = await s.request("POST", "/api/v1/projects", { headers: { cookie }, body: { name: "no-origin" } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("ORIGIN_NOT_ALLOWED");
  });

  it("same origin but not JSON: 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await s.request("POST", "/api/v1/projects", { headers: { cookie, origin: s.url, "content-type": type }, body: '{"name":"form"}' });
      expect(r.status, type).toBe(415);
      expect(r.body).toEqual({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: expect.any(String) } });
    }
  });

  it("what the dashboard does still works: same origin JSON, bodyless POST/DELETE; CORS_ORIGINS too", async () => {
    const made = await s.request("POST", "/api/v1/projects", { headers: { cookie, origin: s.url }, body: { name: "From the dashboard" } });
    expect(made.status).toBe(201);
    const partner = await s.request("POST", "/api/v1/projects", { headers: { cookie, origin: "https://partner.example", "content-type": "application/json; charset=utf-8" }, body: { name: "From a partner" } });
    expect(partner.status).toBe(201);
    const del = await s.request("DELETE", `/api/v1/projects/${made.body.id}`, { headers: { cookie, origin: s.url } });
    expect(del.status).toBe(204);
    // Reads are not mutations.
    expect((await s.request("GET", "/api/v1/projects", { headers: { cookie, origin: "http://evil.example" } })).status).toBe(200);
  });

  it("Bearer calls are unaffected (any Origin, any content type reaches the route)", async () => {
    const r = await s.request("POST", "/api/v1/projects", { token: user.token, headers: { cookie, origin: "http://evil.example" }, body: { name: "Scripted" } });
    expect(r.status).toBe(201);
    const t = await s.request("POST", "/api/v1/projects", { token: user.token, headers: { "content-type": "text/plain" }, body: '{"name":"Scripted too"}' });
    expect(t.status).toBe(201);
  });

  it("next-auth's sign-out with the cookie from another origin is refused", async () => {
    const csrf = await fetch(`${s.url}/api/auth/csrf`, { headers: { cookie } });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const r = await s.request("POST", "/api/auth/signout", {
      headers: { cookie, origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, json: "true" }).toString(),
    });
    expect(r.status).toBe(403);
  });

  it("X-Forwarded-Host is not believed without TRUST_PROXY (an attacker cannot make its Origin 'same')", async () => {
    const r = await s.request("POST", "/api/v1/projects", {
      headers: { cookie, origin: "http://evil.example", "x-forwarded-host": "evil.example" },
      body: { name: "forwarded" },
    });
    expect(r.status).toBe(403);
    // next-auth builds its URLs from the real Host, not the forwarded one.
    const providers = await fetch(`${s.url}/api/auth/providers`, { headers: { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" } });
    expect(JSON.stringify(await providers.json())).not.toContain("evil.example");
  });
});

describe("hosts: PUBLIC_URL refuses other Host values (DNS rebinding); TRUST_PROXY", () => {
  let s: TestServer;
  let user: TestUser;

  beforeAll(async () => {
    s = await startServer({ env: { PUBLIC_URL: "https://switchboard.example", TRUST_PROXY: "true" } });
    user = await s.createUser(); // through 127.0.0.1: loopback names stay allowed
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("pages, API and Socket.IO polling answer 421 HOST_NOT_ALLOWED for a rebinding host", async () => {
    for (const p of ["/signin", "/api/v1/projects", "/api/v1/me", "/socket.io/?EIO=4&transport=polling"]) {
      const r = await raw(s.url, "GET", p, { host: "rebind.attacker.example", authorization: `Bearer ${user.token}` });
      expect(r.status, p).toBe(421);
      expect(r.body, p).toEqual({ error: { code: "HOST_NOT_ALLOWED", message: expect.stringContaining("switchboard.example") } });
      expect(r.headers["x-content-type-options"], p).toBe("nosniff");
    }
    // The public host and loopback are served.
    expect((await raw(s.url, "GET", "/api/v1/me", { host: "switchboard.example", authorization: `Bearer ${user.token}` })).status).toBe(200);
    expect((await raw(s.url, "GET", "/api/v1/me", { host: `localhost:${new URL(s.url).port}`, authorization: `Bearer ${user.token}` })).status).toBe(200);
    // Behind the trusted proxy the forwarded host is the one checked.
    expect((await raw(s.url, "GET", "/api/v1/me", { host: "127.0.0.1", "x-forwarded-host": "rebind.attacker.example", authorization: `Bearer ${user.token}` })).status).toBe(421);
    // Health probes from an orchestrator (any Host) still work.
    expect((await raw(s.url, "GET", "/api/health", { host: "10.1.2.3:3000" })).status).toBe(200);
  });

  it("the Socket.IO WebSocket handshake from a rebinding host is refused", async () => {
    const socket = io(s.url, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { token: user.token }, extraHeaders: { host: "rebind.attacker.example" } });
    const outcome = await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", () => resolve("refused"));
    });
    socket.disconnect();
    expect(outcome).toBe("refused");
    // Through the public host it connects.
    const ok = io(s.url, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { token: user.token }, extraHeaders: { host: "switchboard.example" } });
    const fine = await new Promise<string>((resolve) => {
      ok.once("connect", () => resolve("connected"));
      ok.once("connect_error", (e) => resolve(`refused: ${e.message}`));
    });
    ok.disconnect();
    expect(fine).toBe("connected");
  });

  it("next-auth uses PUBLIC_URL, and the PUBLIC_URL origin may act with the cookie", async () => {
    const providers = await raw(s.url, "GET", "/api/auth/providers", { host: "switchboard.example" });
    expect(JSON.stringify(providers.body)).toContain("https://switchboard.example/api/auth/callback/credentials");
    const cookie = await s.sessionCookie(user);
    expect(cookie).toContain("__Secure-next-auth.session-token=");
    const made = await raw(s.url, "POST", "/api/v1/projects", { host: "127.0.0.1", cookie, origin: "https://switchboard.example", "content-type": "application/json" }, '{"name":"Via proxy"}');
    expect(made.status).toBe(201);
    const evil = await raw(s.url, "POST", "/api/v1/projects", { host: "switchboard.example", cookie, origin: "https://evil.example", "content-type": "application/json" }, '{"name":"Nope"}');
    expect(evil.status).toBe(403);
  });
});
