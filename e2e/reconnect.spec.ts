// The browser's reconnect path: the network is cut (Playwright's offline mode: the socket drops, nothing gets
// through) while events are published; back online the badge goes reconnecting → connected and every missed
// event shows up once, in order, replayed from the re-join's `since`.
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
    const page = await openPage(ctx, `/projects/${id}`, contexts);
    // Every state the badge takes, recorded in the page (a state may last less than an assertion's poll).
    await page.evaluate(() => {
      const w = window as unknown as { __states: string[] };
      const badge = document.querySelector('[data-testid="connection-state"]')!;
      w.__states = [badge.getAttribute("data-state")!];
      new MutationObserver(() => w.__states.push(badge.getAttribute("data-state")!)).observe(badge, { attributes: true, attributeFilter: ["data-state"] });
    });
    const states = () => page.evaluate(() => (window as unknown as { __states: string[] }).__states);
    const badge = page.getByTestId("connection-state");
    const updates = page.locator('[data-testid="activity-item"][data-event-type="project.updated"]');

    await server.request(owner, "PUT", `/api/v1/projects/${id}`, { name: "live before" });
    await expect(updates).toHaveCount(1);
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // The network goes away: the socket is cut (Chromium closes it) and nothing reaches the server.
    await ctx.setOffline(true);
    await expect(badge).not.toHaveAttribute("data-state", "connected");
    await screenshot(page, "reconnect-reconnecting");
    const missed: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const r = await server.request(owner, "PUT", `/api/v1/projects/${id}`, { name: `missed ${i}` });
      expect(r.status).toBe(200);
      missed.push(`missed ${i}`);
    }
    await expect(updates).toHaveCount(1); // nothing arrives while cut
    await ctx.setOffline(false);

    await expect(badge).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    const seen = await states();
    const cutAt = seen.lastIndexOf("offline");
    expect(seen.slice(0, 1)).toEqual(["connected"]);
    expect(cutAt, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.slice(cutAt + 1), JSON.stringify(seen)).toEqual(["reconnecting", "connected"]);
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
