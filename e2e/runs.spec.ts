// Test runs in real browsers against a real server: a slow TAP suite streams into two people's pages,
// a hanging run cancelled in one page ends in the other. The suites live in a local git repository the
// project clones into its workspace (REPO_ROOTS = <data dir>/repos).
import type { BrowserContext, Page } from "@playwright/test";
import { test, expect, openAs, screenshot } from "./fixtures";
import { projectWithSuite } from "./suites";

type Sample = { status: string | null; results: number; percentage: string | null };

/** Record every state the run page shows (client-side navigations keep the recorder). */
async function recordRunPage(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __runSamples: Sample[] };
    w.__runSamples = [];
    const snap = () => {
      const view = document.querySelector('[data-testid="run-view"]');
      if (!view) return;
      const s: Sample = {
        status: view.querySelector('[data-testid="run-status"]')?.textContent ?? null,
        results: view.querySelectorAll('[data-testid="test-result"]').length,
        percentage: view.querySelector('[data-testid="run-progress"]')?.getAttribute("data-percentage") ?? null,
      };
      const last = w.__runSamples[w.__runSamples.length - 1];
      if (!last || last.status !== s.status || last.results !== s.results || last.percentage !== s.percentage) w.__runSamples.push(s);
    };
    new MutationObserver(snap).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}
const samplesOf = (page: Page) => page.evaluate(() => (window as unknown as { __runSamples: Sample[] }).__runSamples);

/** The run streamed: results arrived one by one while it ran, and the progress bar moved forward. */
function expectProgressive(samples: Sample[], total: number) {
  const whileRunning = samples.filter((s) => s.status === "running");
  const counts = [...new Set(whileRunning.map((s) => s.results))].filter((n) => n > 0 && n < total);
  expect(counts.length, `results seen while running: ${JSON.stringify(samples)}`).toBeGreaterThanOrEqual(3);
  const percentages = whileRunning.map((s) => s.percentage).filter((p): p is string => !!p).map(Number);
  expect(percentages.some((p) => p > 0 && p < 100), `progress while running: ${JSON.stringify(percentages)}`).toBe(true);
  for (let i = 1; i < percentages.length; i++) expect(percentages[i]!).toBeGreaterThanOrEqual(percentages[i - 1]!);
  expect(samples[samples.length - 1]).toMatchObject({ status: "failed", results: total, percentage: "100" });
}

async function expectFinishedFailed(page: Page) {
  const view = page.getByTestId("run-view");
  await expect(view.getByTestId("run-status")).toHaveText("failed", { timeout: 20_000 });
  await expect(page.getByTestId("run-banner")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("run-banner")).toContainText("1 of 10 tests failed");
  const counts = view.getByTestId("run-counts");
  await expect(counts.getByTestId("count-passed")).toHaveText("8");
  await expect(counts.getByTestId("count-failed")).toHaveText("1");
  await expect(counts.getByTestId("count-skipped")).toHaveText("1");
  await expect(page.getByTestId("run-progress")).toHaveAttribute("data-percentage", "100");
  await expect(page.getByTestId("test-result")).toHaveCount(10);
  await expect(view.getByTestId("run-reader")).toHaveText("tap"); // what read the results
  // Failures first, their error open.
  const first = page.getByTestId("test-result").first();
  await expect(first).toHaveAttribute("data-status", "failed");
  await expect(first).toHaveAttribute("data-name", "computes the total");
  await expect(first.getByTestId("test-result-error")).toContainText("41 !== 42");
  await expect(page.locator('[data-testid="test-result"][data-name="ships abroad"]')).toHaveAttribute("data-status", "skipped");
  // The log streamed, stderr kept apart.
  const log = page.getByTestId("run-log");
  await expect(log).toContainText("ok 10 - cleans up");
  await expect(log.locator('[data-level="error"]').first()).toContainText("total mismatch");
  await expect(page.getByTestId("cancel-run-button")).toHaveCount(0);
}

test.describe("test runs", () => {
  // Two signed-in browsers each, and real commands that take seconds: room for a busy machine.
  test.describe.configure({ timeout: 120_000 });
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  test("a run streams into two people's pages, results first to last, and ends failed with its counts", async ({ browser, server }) => {
    const owner = await server.createUser("Ada Owner");
    const member = await server.createUser("Grace Member");
    const id = await projectWithSuite(server, owner, member, "Checkout service", "node slow-suite.js 10 500");

    const ownerPage = await openAs(server, browser, owner, `/projects/${id}/runs`, contexts);
    const memberPage = await openAs(server, browser, member, `/projects/${id}/runs`, contexts);
    await expect(ownerPage.getByTestId("runs-empty")).toBeVisible();
    await expect(memberPage.getByTestId("runs-empty")).toBeVisible();
    await recordRunPage(ownerPage);
    await recordRunPage(memberPage);

    // The owner starts it and lands on the run; the member sees it appear in the list and opens it.
    await ownerPage.getByTestId("run-tests-button").click();
    const row = memberPage.getByTestId("run-row");
    await expect(row).toHaveCount(1);
    const runId = (await row.getAttribute("data-run-id"))!;
    await row.getByRole("link").click();
    await expect(memberPage).toHaveURL(new RegExp(`/projects/${id}/runs/${runId}$`));
    await expect(ownerPage).toHaveURL(new RegExp(`/projects/${id}/runs/${runId}$`));

    // Both watch it stream (the recorders check it was progressive once it is over).
    await expect(memberPage.getByTestId("test-result").nth(2)).toBeVisible();
    await screenshot(memberPage, "run-streaming");

    await expectFinishedFailed(ownerPage);
    await expectFinishedFailed(memberPage);
    expectProgressive(await samplesOf(ownerPage), 10);
    expectProgressive(await samplesOf(memberPage), 10);
    await screenshot(ownerPage, "run-finished");

    // Filter by status.
    await memberPage.getByTestId("result-filter-failed").click();
    await expect(memberPage.getByTestId("test-result")).toHaveCount(1);
    await memberPage.getByTestId("result-filter-passed").click();
    await expect(memberPage.getByTestId("test-result")).toHaveCount(8);
    await memberPage.getByTestId("result-filter-all").click();
    await expect(memberPage.getByTestId("test-result")).toHaveCount(10);

    // The list and the project page tell the same story.
    await memberPage.getByTestId("back-to-runs").click();
    await expect(row).toHaveAttribute("data-status", "failed");
    await expect(row.getByTestId("count-passed")).toHaveText("8");
    await expect(row.getByTestId("count-failed")).toHaveText("1");
    await screenshot(memberPage, "runs-list");
    await ownerPage.goto(`/projects/${id}`);
    const card = ownerPage.getByTestId("latest-run-card");
    await expect(card).toHaveAttribute("data-run-id", runId);
    await expect(card.getByTestId("run-status")).toHaveText("failed");
    await expect(card.getByTestId("count-skipped")).toHaveText("1");
  });

  test("a hanging run cancelled in one page ends cancelled in the other", async ({ browser, server }) => {
    const owner = await server.createUser("Ada Owner");
    const member = await server.createUser("Grace Member");
    const id = await projectWithSuite(server, owner, member, "Payments gateway", "node hang.js");

    const projectPage = await openAs(server, browser, owner, `/projects/${id}`, contexts);
    await expect(projectPage.getByTestId("latest-run-card")).toContainText("No test runs yet");

    const started = await server.request(owner, "POST", `/api/v1/projects/${id}/test-runs`, {});
    expect(started.status).toBe(202);
    const runId: string = started.body.test_run_id;
    // The project page picks the new run up live.
    await expect(projectPage.getByTestId("latest-run-card")).toHaveAttribute("data-run-id", runId);

    const ownerPage = await openAs(server, browser, owner, `/projects/${id}/runs/${runId}`, contexts);
    const memberPage = await openAs(server, browser, member, `/projects/${id}/runs/${runId}`, contexts);
    for (const page of [ownerPage, memberPage]) {
      await expect(page.getByTestId("test-result")).toHaveCount(2);
      await expect(page.getByTestId("run-view").getByTestId("run-status")).toHaveText("running");
      await expect(page.getByTestId("run-log")).toContainText("waiting for the payment gateway");
      await expect(page.getByTestId("cancel-run-button")).toBeEnabled();
      // No total is known: the bar is indeterminate and counts what is done.
      await expect(page.getByTestId("run-progress")).toHaveAttribute("data-percentage", "");
      await expect(page.getByTestId("run-progress")).toContainText("2 tests done");
    }

    await memberPage.getByTestId("cancel-run-button").click();
    for (const page of [memberPage, ownerPage]) {
      await expect(page.getByTestId("run-view").getByTestId("run-status")).toHaveText("cancelled", { timeout: 15_000 });
      await expect(page.getByTestId("run-banner")).toHaveAttribute("data-status", "cancelled");
      await expect(page.getByTestId("cancel-run-button")).toHaveCount(0);
      await expect(page.getByTestId("run-counts").getByTestId("count-passed")).toHaveText("2");
    }
    await screenshot(ownerPage, "run-cancelled");
    await expect(projectPage.getByTestId("latest-run-card").getByTestId("run-status")).toHaveText("cancelled");

    // Cancelling again says it already ended.
    const again = await server.request(owner, "POST", `/api/v1/test-runs/${runId}/cancel`, {});
    expect(again.status).toBe(409);
  });

  test("without a test command the button says why, and viewers cannot start runs", async ({ browser, server }) => {
    const owner = await server.createUser("Ada Owner");
    const viewer = await server.createUser("Vic Viewer");
    const created = await server.request(owner, "POST", "/api/v1/projects", { name: "No command yet" });
    const id: string = created.body.id;
    await server.request(owner, "POST", `/api/v1/projects/${id}/members`, { email: viewer.email, role: "viewer" });

    const ownerPage = await openAs(server, browser, owner, `/projects/${id}/runs`, contexts);
    await expect(ownerPage.getByTestId("runs-empty")).toBeVisible();
    await expect(ownerPage.getByTestId("run-tests-button")).toBeDisabled();
    await expect(ownerPage.getByTestId("run-tests-disabled-reason")).toContainText("No test command");

    // Once an owner sets one, the button works at once (project.updated) and a viewer still cannot use it.
    const viewerPage = await openAs(server, browser, viewer, `/projects/${id}/runs`, contexts);
    await server.request(owner, "PUT", `/api/v1/projects/${id}`, { test_command: "true" });
    await expect(ownerPage.getByTestId("run-tests-button")).toBeEnabled();
    await expect(viewerPage.getByTestId("run-tests-button")).toBeDisabled();
    await expect(viewerPage.getByTestId("run-tests-disabled-reason")).toContainText("Viewers");
  });
});
