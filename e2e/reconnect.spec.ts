// The browser's reconnect path: the socket is cut (its WebSocket closed and new connections refused) while
// events are published; the badge goes reconnecting → connected and every missed event shows up once, in order.
import type { BrowserContext } from "@playwright/test";
import { test, expect, openPage, screenshot } from "./fixtures";

test.describe("reconnect", () => {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  test("a cut connection comes back and replays what was missed", async ({ browser, server }) => {
    test.setTimeout(180_000);
    const owner = await server.createUser("Rita Reconnect");
    const p = await server.request(owner, "POST", "/api/v1/projects", { name: "Reconnect project", description: "start" });
    const id: string = p.body.id;

    const ctx = await server.newContext(browser, owner);
    let cut = false;
    const live: { close: () => Promise<void> }[] = [];
    // Every Socket.IO WebSocket goes through this pass-through proxy; while `cut`, new ones are closed at once.
    await ctx.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (cut) return void ws.close({ code: 1001, reason: "cut" });
      const upstream = ws.connectToServer();
      live.push({ close: async () => (await ws.close({ code: 1001, reason: "cut" }), await upstream.close()) });
    });
    // While cut, HTTP long-polling (Socket.IO's fallback) fails too.
    const blockPolling = (route: import("@playwright/test").Route) => route.abort("internetdisconnected");
    const page = await openPage(ctx, `/projects/${id}`, contexts);
    const badge = page.getByTestId("connection-state");
    const updates = page.locator('[data-testid="activity-item"][data-event-type="project.updated"]');

    await server.request(owner, "PUT", `/api/v1/projects/${id}`, { name: "live before" });
    await expect(updates).toHaveCount(1);
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    cut = true;
    await ctx.route(/\/socket\.io\//, blockPolling);
    for (const c of live.splice(0)) await c.close();
    await expect(badge).toHaveAttribute("data-state", "reconnecting");
    await screenshot(page, "reconnect-reconnecting");
    const missed: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const r = await server.request(owner, "PUT", `/api/v1/projects/${id}`, { name: `missed ${i}` });
      expect(r.status).toBe(200);
      missed.push(`missed ${i}`);
    }
    await expect(updates).toHaveCount(1); // nothing arrives while cut
    cut = false;
    await ctx.unroute(/\/socket\.io\//, blockPolling);

    await expect(badge).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await expect(updates).toHaveCount(6);
    // Each missed rename once, newest first, in the order they were made (ids ascending with them).
    await expect(updates).toHaveText([/missed 5/, /missed 4/, /missed 3/, /missed 2/, /missed 1/, /live before/]);
    const ids = await updates.evaluateAll((els) => els.map((e) => e.getAttribute("data-event-id")!));
    expect(new Set(ids).size).toBe(6);
    expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    await expect(page.getByRole("heading", { name: "missed 5" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    // A live event after the reconnect arrives once too.
    await server.request(owner, "PUT", `/api/v1/projects/${id}`, { name: "live after" });
    await expect(updates).toHaveCount(7);
    await expect(updates.first()).toContainText("live after");
    await screenshot(page, "reconnect-connected");
    expect(missed).toHaveLength(5);
  });
});
