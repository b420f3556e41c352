// Rate limits (rate-limiter-flexible): each limit is hit and answered in the contract's shape.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer, type TestUser } from "../support/server";
import { deliver, signed } from "../support/github";

let s: TestServer;
let user: TestUser;

beforeAll(async () => {
  s = await startServer({
    env: { RATE_LIMIT_CONNECTIONS_PER_MINUTE: "4", RATE_LIMIT_COMMANDS_PER_SECOND: "5", RATE_LIMIT_REST_PER_MINUTE: "8", RATE_LIMIT_AUTH_PER_MINUTE: "5", RATE_LIMIT_WEBHOOK_REFUSALS_PER_MINUTE: "2", GITHUB_WEBHOOK_SECRET: "limits-webhook-secret" },
  });
  user = await s.createUser(); // 2 of the 5 auth points
});
afterAll(async () => {
  await s?.stop();
});

describe("rate limits", () => {
  it("REST per caller: 429 RATE_LIMITED with Retry-After, others unaffected", async () => {
    const statuses: number[] = [];
    let limited: any;
    for (let i = 0; i < 10; i++) {
      const r = await s.request("GET", "/api/v1/projects", { token: user.token });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses.filter((x) => x === 200)).toHaveLength(8);
    expect(limited.body).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.any(String), details: { retry_after_ms: expect.any(Number) } } });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await s.request("GET", "/api/health")).status).toBe(200);
  });

  it("sign-up and token requests per address", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await s.request("POST", "/api/v1/auth/token", { body: { email: user.email, password: "wrong-password" } })).status);
    }
    expect(codes).toEqual([401, 401, 401, 429]);
    const r = await s.request("POST", "/api/v1/auth/register", { body: { email: "late@example.test", password: "long-enough", name: "Late" } });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe("RATE_LIMITED");
  });

  it("badly signed webhook deliveries have a per-address limit of their own; correctly signed ones do not", async () => {
    const bad = await signed("not-the-secret", "ping", { zen: "Keep it logically awesome.", hook_id: 1 });
    expect((await deliver(s.url, bad)).status).toBe(401);
    expect((await deliver(s.url, bad)).status).toBe(401);
    const refused = await deliver(s.url, bad);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const good = await deliver(s.url, await signed("limits-webhook-secret", "ping", { zen: "Keep it logically awesome.", hook_id: 1 }));
    expect(good.status).toBe(202);
  });

  it("commands per socket get a RATE_LIMITED ack; connections per address get a RATE_LIMITED connect_error", async () => {
    const c = await s.connect({ auth: { token: user.token } }); // connection 1
    const acks = await Promise.all(Array.from({ length: 8 }, () => c.emitWithAck("ping", {})));
    expect(acks.filter((a) => a.status === "pong")).toHaveLength(5);
    expect(acks.filter((a) => a.status === "error")[0]).toMatchObject({ code: "RATE_LIMITED", details: { retry_after_ms: expect.any(Number) } });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" }); // the window moved on
    for (let i = 0; i < 3; i++) await s.connect({ auth: { token: user.token } }); // connections 2..4
    const refused = await s.connectError({ auth: { token: user.token } });
    expect(refused.message).toBe("RATE_LIMITED");
    expect(refused.data).toEqual({ code: "RATE_LIMITED", message: expect.any(String) });
    expect(await c.emitWithAck("ping", {})).toMatchObject({ status: "pong" }); // existing sockets keep working
  });
});
