// Issue #16: a member follows one prompt from request to test results on one live trace timeline, and another
// tab of theirs (another page of the same signed-in context) gets a notification when the run fails.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext } from "@playwright/test";
import { test, expect, openPage, screenshot, signInContext } from "./fixtures";
import { startServer, type TestServer } from "../test/support/server";
import { FakeOpenAI } from "../test/support/fake-openai";
import { git } from "../test/support/repos";

const TAP = `console.log("TAP version 13");
console.log("ok 1 - adds");
console.log("not ok 2 - divides\\n  ---\\n  message: division by zero\\n  ...");
console.log("ok 3 - subtracts");
console.log("1..3");
process.exitCode = 1;
`;

test.describe("traces and notifications", () => {
  let fake: FakeOpenAI;
  let srv: TestServer;
  let repo: string;
  const contexts: BrowserContext[] = [];

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    fake = await new FakeOpenAI().start();
    srv = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", TEST_RUN_TIMEOUT_MS: "30000" } });
    repo = path.join(srv.dataDir, "repos", "traced");
    mkdirSync(repo, { recursive: true });
    writeFileSync(path.join(repo, "README.md"), "# Traced\n");
    writeFileSync(path.join(repo, "tap.js"), TAP);
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "init");
  });
  test.afterAll(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
    await srv?.stop();
    await fake?.stop();
  });

  test("one prompt from request to failed tests on a live timeline; the failure is notified in another tab", async ({ browser }) => {
    test.setTimeout(180_000);
    const owner = await srv.createUser("Olivia Owner");
    const member = await srv.createUser("Max Member");
    const project = await srv.createProject(owner, { name: "Traced", repository_url: repo, test_command: "node tap.js" });
    await srv.addMember(owner, project.id, member, "member");
    const session = await srv.request("POST", `/api/v1/projects/${project.id}/sessions`, { token: member.token });
    const sid = session.body.session_id as string;

    const ctx = await signInContext(browser, srv.url, member);
    // Tab 1: the session. The prompt is sent from the page.
    const sessionPage = await openPage(ctx, `/projects/${project.id}/sessions/${sid}`, contexts);
    await sessionPage.getByTestId("prompt-input").fill("Add a greeting to the README");
    await sessionPage.getByTestId("prompt-submit").click();
    const message = sessionPage.getByTestId("message").first();
    await expect(message).toHaveAttribute("data-status", "proposed", { timeout: 30_000 });

    // Tab 2: the message's trace, opened from its link.
    const href = await message.getByTestId("message-trace-link").getAttribute("href");
    expect(href).toMatch(new RegExp(`^/projects/${project.id}/traces/[0-9a-f-]{36}$`));
    const tracePage = await openPage(ctx, href!, contexts);
    const timeline = tracePage.getByTestId("trace-timeline");
    await expect(timeline.locator('[data-testid="trace-item"][data-kind="stream"]')).toHaveAttribute("data-status", "ok");
    await expect(timeline.locator('[data-testid="trace-item"][data-kind="stream"]')).toContainText("tokens");
    await expect(timeline.locator('[data-testid="trace-item"][data-kind="run"]')).toHaveCount(0);
    await screenshot(tracePage, "trace-before-apply");

    // Tab 3: somewhere else entirely; its bell shows what arrives. What came so far (being added to the
    // project, the proposed patch in this member's session) is listed, then marked read.
    const otherPage = await openPage(ctx, "/", contexts);
    await expect(otherPage.getByTestId("notification-count")).toHaveText("2");
    await otherPage.getByTestId("notification-bell").click();
    await expect(otherPage.getByTestId("notification-item").first()).toHaveAttribute("data-kind", "patch_proposed");
    await otherPage.getByTestId("mark-all-read").click();
    await expect(otherPage.getByTestId("notification-count")).toHaveCount(0);
    await otherPage.keyboard.press("Escape");
    await expect(otherPage.getByTestId("notification-panel")).toHaveCount(0);

    // Apply in tab 1: the run starts in the prompt's trace.
    await sessionPage.getByTestId("apply-button").click();
    await expect(message).toHaveAttribute("data-status", "applied");

    // Tab 2 follows it live: the patch, the run, each result, the failure — without a reload.
    await expect(timeline.getByText("Patch applied")).toBeVisible({ timeout: 30_000 });
    const run = timeline.locator('[data-testid="trace-item"][data-kind="run"]');
    await expect(run).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
    await expect(run.getByTestId("trace-result")).toHaveCount(3);
    await expect(run.locator('[data-testid="trace-result"][data-status="failed"]')).toContainText("divides");
    await expect(run).toContainText("2 passed · 1 failed");
    await screenshot(tracePage, "trace-after-run");

    // Tab 3: the bell counts the failure and lists it first.
    await expect(otherPage.getByTestId("notification-count")).toHaveText("1", { timeout: 30_000 });
    await otherPage.getByTestId("notification-bell").click();
    const first = otherPage.getByTestId("notification-item").first();
    await expect(first).toHaveAttribute("data-kind", "run_failed");
    await expect(first).toContainText("Test run failed: 1 of 3 tests failed");
    await screenshot(otherPage, "notifications-open");
    // Mark it read: every tab's count goes away.
    await expect(tracePage.getByTestId("notification-count")).toHaveText("1");
    await first.getByTestId("mark-read").click();
    await expect(otherPage.getByTestId("notification-count")).toHaveCount(0);
    await expect(tracePage.getByTestId("notification-count")).toHaveCount(0);
  });

  test("a trace of another project is not found; an unknown one says so", async ({ browser }) => {
    const outsider = await srv.createUser("Nora Outsider");
    const owner = await srv.createUser("Owen Owner");
    const project = await srv.createProject(owner, { name: "Private" });
    const w = await srv.request("POST", `/api/v1/projects/${project.id}/workflows`, { token: owner.token, body: { name: "Secret work" } });
    const mine = await srv.createProject(outsider, { name: "Mine" });
    const page = await openPage(await signInContext(browser, srv.url, outsider), `/projects/${mine.id}/traces/${w.body.trace_id}`, contexts);
    await expect(page.getByTestId("trace-not-found")).toBeVisible();
    await expect(page.getByText("Secret work")).toHaveCount(0);
    await screenshot(page, "trace-not-found");
    // The owner sees it, with its workflow span linked.
    const ownerPage = await openPage(await signInContext(browser, srv.url, owner), `/projects/${project.id}/workflows/${w.body.id}`, contexts);
    await ownerPage.getByTestId("workflow-trace-link").click();
    await expect(ownerPage.locator('[data-testid="trace-item"][data-kind="workflow"]')).toContainText("Workflow Secret work");
  });
});
