// The admin page in a real browser: live numbers that move when events are published, a throughput chart,
// and "admins only" for everyone else. Its own server, so that its first user is the admin.
import type { BrowserContext } from "@playwright/test";
import { test, expect, screenshot, signInContext } from "./fixtures";
import { startServer, type TestServer, type TestUser } from "../test/support/server";

let s: TestServer;
let admin: TestUser;
let user: TestUser;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  s = await startServer();
  admin = await s.createUser("Ada Admin");
  user = await s.createUser("Uma User");
  expect(admin.role).toBe("admin");
});
test.afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await s?.stop();
});

const num = async (loc: import("@playwright/test").Locator, attr = "data-value") => Number(await loc.getAttribute(attr));

test("admins see connections, event rates and a throughput chart move as events are published", async ({ browser }) => {
  test.setTimeout(120_000);
  const ctx = await signInContext(browser, s.url, admin);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto("/admin");
  await expect(page.getByTestId("admin-dashboard")).toBeVisible();
  await expect(page.getByTestId("admin-health-database")).toHaveAttribute("data-state", "ok");
  await expect(page.getByTestId("admin-health-redis")).toHaveAttribute("data-state", "disabled");
  const totals = page.getByTestId("admin-totals");
  const published0 = await num(totals, "data-published");
  const connections0 = await num(page.getByTestId("admin-connections"));

  // A subscriber and a burst of updates.
  const p = await s.createProject(admin);
  const sock = await s.connect({ auth: { token: admin.token } });
  await sock.emitWithAck("subscribe", { project_id: p.id });
  for (let i = 0; i < 15; i++) {
    const r = await s.request("PUT", `/api/v1/projects/${p.id}`, { token: admin.token, body: { description: `burst ${i}` } });
    expect(r.status).toBe(200);
  }
  await expect.poll(() => num(totals, "data-published"), { timeout: 15_000 }).toBeGreaterThanOrEqual(published0 + 15);
  await expect.poll(() => num(totals, "data-delivered"), { timeout: 15_000 }).toBeGreaterThanOrEqual(15);
  await expect.poll(() => num(page.getByTestId("admin-connections")), { timeout: 15_000 }).toBeGreaterThan(connections0);
  await expect.poll(() => num(page.getByTestId("admin-published-rate")), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => num(page.getByTestId("admin-latency-p50")), { timeout: 15_000 }).toBeGreaterThan(0);
  // The chart appears once two samples (5 s apart) exist.
  await expect(page.getByTestId("admin-chart")).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "admin-metrics");
  sock.disconnect();
});

test("non-admins see that the page is for admins only, and the numbers are refused", async ({ browser }) => {
  const ctx = await signInContext(browser, s.url, user);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto("/admin");
  await expect(page.getByTestId("admin-forbidden")).toContainText("Admins only");
  await expect(page.getByTestId("admin-dashboard")).toHaveCount(0);
  const res = await ctx.request.get("/api/v1/admin/metrics");
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("FORBIDDEN");
  await screenshot(page, "admin-forbidden");
});
