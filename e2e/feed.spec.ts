// The project page's activity feed: one screen from GET /feed, "Load older" for the rest, filter chips, and
// live folding (a run's results update its one item instead of adding lines). The projects list's live status.
import type { BrowserContext } from "@playwright/test";
import { test, expect, openAs, screenshot } from "./fixtures";

test.describe("activity feed", () => {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  test("one screen, Load older, filters, and a live run folded into one item", async ({ browser, server }) => {
    test.setTimeout(240_000);
    const owner = await server.createUser("Fiona Feed");
    const p = await server.request(owner, "POST", "/api/v1/projects", { name: "Feed project", description: "v0" });
    expect(p.status).toBe(201);
    const id: string = p.body.id;
    // 40 people items (project.updated), then a finished CI run with 200 results and a running workflow.
    for (let i = 1; i <= 40; i++) expect((await server.request(owner, "PUT", `/api/v1/projects/${id}`, { description: `v${i}` })).status).toBe(200);
    const run = await server.request(owner, "POST", `/api/v1/projects/${id}/test-runs`, { source: "external", name: "CI #1", total: 200 });
    const results = Array.from({ length: 200 }, (_, i) => ({ name: `t${i}`, status: i < 3 ? "failed" : "passed" }));
    expect((await server.request(owner, "POST", `/api/v1/test-runs/${run.body.test_run_id}/results`, { results })).status).toBeLessThan(300);
    expect((await server.request(owner, "POST", `/api/v1/test-runs/${run.body.test_run_id}/complete`, {})).status).toBe(200);
    expect((await server.request(owner, "POST", `/api/v1/projects/${id}/workflows`, { name: "nightly" })).status).toBe(201);

    // The projects list says it: the last run failed, a workflow is running.
    const list = await openAs(server, browser, owner, "/", contexts);
    const row = list.locator(`[data-testid="project-row"][data-project-id="${id}"]`);
    await expect(row.getByTestId("project-last-run")).toHaveAttribute("data-status", "failed");
    await expect(row.getByTestId("project-last-run")).toContainText("Failed 3/200");
    await expect(row.getByTestId("project-running-workflows")).toContainText("1 running");
    await screenshot(list, "projects-live-status");

    const page = await openAs(server, browser, owner, `/projects/${id}`, contexts);
    const items = page.getByTestId("activity-item");
    await expect(items).toHaveCount(30); // one screen
    await expect(page.locator('[data-event-type="test_result"]')).toHaveCount(0);
    const runItem = page.locator('[data-testid="activity-item"][data-event-type="test_run.created"]');
    await expect(runItem.getByTestId("activity-summary")).toHaveAttribute("data-status", "failed");
    await expect(runItem.getByTestId("activity-summary")).toContainText("197 passed, 3 failed");
    await screenshot(page, "feed-first-screen");

    await page.getByTestId("feed-load-older").click();
    await expect(items).toHaveCount(30 + 12); // 40 updates + run + workflow = 42 in all
    await expect(page.getByTestId("feed-load-older")).toHaveCount(0);
    const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-event-id")!));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));

    // Filters: Tests only, then Tests + Workflows, then All again.
    await page.getByTestId("feed-filter-tests").click();
    await expect(page.getByTestId("feed-filter-tests")).toHaveAttribute("aria-pressed", "true");
    await expect(items).toHaveCount(1);
    await expect(items.first()).toHaveAttribute("data-event-type", "test_run.created");
    await page.getByTestId("feed-filter-workflows").click();
    await expect(items).toHaveCount(2);
    await expect(page.locator('[data-event-type="workflow.started"]').getByTestId("activity-summary")).toContainText("running");
    await page.getByTestId("feed-filter-github").click();
    await page.getByTestId("feed-filter-tests").click();
    await page.getByTestId("feed-filter-workflows").click();
    await expect(page.getByText("Nothing of this kind yet")).toBeVisible(); // GitHub only: empty
    await screenshot(page, "feed-filter-empty");
    await page.getByTestId("feed-filter-tests").click();
    await page.getByTestId("feed-filter-github").click();
    await expect(items).toHaveCount(1);

    // Live: a new run arrives as one item and its summary follows its results.
    const live = await server.request(owner, "POST", `/api/v1/projects/${id}/test-runs`, { source: "external", name: "CI #2", total: 4 });
    await expect(items).toHaveCount(2);
    const newest = items.first();
    await expect(newest).toHaveAttribute("data-event-type", "test_run.created");
    for (const status of ["passed", "passed", "failed"]) {
      await server.request(owner, "POST", `/api/v1/test-runs/${live.body.test_run_id}/results`, { results: [{ name: `live ${status}`, status }] });
    }
    await expect(newest.getByTestId("activity-summary")).toContainText("2 passed, 1 failed");
    await expect(items).toHaveCount(2);
    await server.request(owner, "POST", `/api/v1/test-runs/${live.body.test_run_id}/complete`, {});
    await expect(newest.getByTestId("activity-summary")).toHaveAttribute("data-status", "failed");
    await screenshot(page, "feed-live-run");

    // The projects list followed live: the last run is the new one.
    await expect(row.getByTestId("project-last-run")).toContainText("Failed 1/3");
    // Back to All: the entry kept what was loaded (42) and the live run (43).
    await page.getByTestId("feed-filter-all").click();
    await expect(items).toHaveCount(43);
  });
});
