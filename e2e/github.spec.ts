// GitHub and AI review in a real browser: a signed webhook delivery makes a PR appear live on the project
// page; the pulls page lists it with its review; a review of a vibecode patch shows suggestions inline.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { test, expect, openPage, screenshot, signInContext } from "./fixtures";
import { startServer, type TestServer, type TestUser } from "../test/support/server";
import { FakeOpenAI } from "../test/support/fake-openai";
import { deliver, example, projectSecret, signed } from "../test/support/github";

test.describe("github and AI review", () => {
  let fake: FakeOpenAI;
  let srv: TestServer;
  const contexts: BrowserContext[] = [];

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    fake = await new FakeOpenAI().start();
    srv = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model" } });
  });
  test.afterAll(async () => {
    await srv?.stop();
    await fake?.stop();
  });
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  async function openAs(browser: Browser, user: TestUser, path: string): Promise<Page> {
    return openPage(await signInContext(browser, srv.url, user), path, contexts);
  }

  test("a signed webhook delivery makes a PR appear live; the pulls page reviews it", async ({ browser }) => {
    test.setTimeout(120_000);
    const owner = await srv.createUser("Olivia Owner");
    const full = `octo-${randomBytes(3).toString("hex")}/hello-world`;
    const project = await srv.createProject(owner, { name: "Webhooks demo", repository_url: `git@github.com:${full}.git` });

    const page = await openAs(browser, owner, `/projects/${project.id}`);
    await expect(page.getByTestId("pulls-card-empty")).toBeVisible();
    // The owner's webhook card shows this project's URL and secret (hidden until asked for).
    const SECRET = await projectSecret(srv.url, owner.token, project.id);
    const card = page.getByTestId("webhook-card");
    await expect(card.getByTestId("webhook-card-url")).toHaveText(new RegExp(`/api/webhooks/github/${project.id}$`));
    await expect(card.getByTestId("webhook-card-secret")).not.toContainText(SECRET);
    await card.getByTestId("webhook-card-show").click();
    await expect(card.getByTestId("webhook-card-secret")).toHaveText(SECRET);
    await expect(card.getByTestId("webhook-card-no-deliveries")).toBeVisible();

    const payload = example("pull_request", "opened", full, (x) => (x.pull_request.title = "Improve error handling in API routes"));
    const r = await deliver(srv.url, await signed(SECRET, "pull_request", payload), project.id);
    expect(r.body).toEqual({ accepted: true, projects: 1 });
    const item = page.locator(`[data-testid="pr-item"][data-number="${payload.pull_request.number}"]`);
    await expect(page.locator('[data-testid="activity-item"][data-event-type="pr.created"]')).toContainText("opened pull request");
    await expect(item).toContainText("Improve error handling in API routes");
    await expect(item.getByTestId("pr-status")).toHaveAttribute("data-status", "open");
    await screenshot(page, "github-pr-live");

    const issue = example("issues", "opened", full);
    await deliver(srv.url, await signed(SECRET, "issues", issue), project.id);
    await expect(page.locator(`[data-testid="issue-item"][data-number="${issue.issue.number}"]`)).toContainText(issue.issue.title);

    await page.getByTestId("all-pulls-link").click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/pulls$`));
    const row = page.locator(`[data-testid="pr-row"][data-number="${payload.pull_request.number}"]`);
    await expect(row.getByTestId("pr-branch")).toContainText(payload.pull_request.head.ref);
    await expect(row.getByTestId("pr-author")).toHaveText(payload.pull_request.user.login);
    await row.getByTestId("review-button").click();
    await expect(row.getByTestId("review-summary")).toBeVisible({ timeout: 20_000 });
    await expect(row.getByTestId("ai-suggestion")).toHaveCount(1);

    // merged elsewhere: the badge changes live
    const closed = example("pull_request", "closed", full, (x) => {
      x.pull_request.number = payload.pull_request.number;
      x.pull_request.merged = true;
      x.pull_request.merged_at = "2019-05-15T15:20:40Z";
    });
    await deliver(srv.url, await signed(SECRET, "pull_request", closed), project.id);
    await expect(row.getByTestId("pr-status")).toHaveAttribute("data-status", "merged");
    await screenshot(page, "github-pulls-page");
  });

  test("the pulls page explains the webhook setup when there is nothing yet", async ({ browser }) => {
    const owner = await srv.createUser("Empty Owner");
    const project = await srv.createProject(owner, { name: "Nothing yet" });
    const page = await openAs(browser, owner, `/projects/${project.id}/pulls`);
    await expect(page.getByTestId("webhook-setup")).toContainText("application/json");
    await expect(page.getByTestId("webhook-url")).toHaveText(`${srv.url}/api/webhooks/github/${project.id}`);
    await expect(page.getByTestId("webhook-setup")).toContainText("own secret");
  });

  test("an owner rotates the webhook secret on the project page; members do not see the card", async ({ browser }) => {
    const owner = await srv.createUser("Rotating Owner");
    const member = await srv.createUser("Plain Member");
    const project = await srv.createProject(owner, { name: "Rotate me" });
    await srv.addMember(owner, project.id, member, "member");
    const before = await projectSecret(srv.url, owner.token, project.id);
    const page = await openAs(browser, owner, `/projects/${project.id}`);
    const card = page.getByTestId("webhook-card");
    await card.getByTestId("webhook-card-rotate").click();
    await card.getByTestId("webhook-card-rotate-confirm").click();
    await expect(card.getByTestId("webhook-card-secret")).toHaveAttribute("data-shown", "true");
    await expect(card.getByTestId("webhook-card-secret")).not.toHaveText(before);
    const after = await projectSecret(srv.url, owner.token, project.id);
    await expect(card.getByTestId("webhook-card-secret")).toHaveText(after);
    expect((await deliver(srv.url, await signed(before, "ping", { zen: "old" }), project.id)).status).toBe(401);
    expect((await deliver(srv.url, await signed(after, "ping", { zen: "new" }), project.id)).status).toBe(202);
    await expect(card.getByTestId("webhook-card-delivery")).toHaveCount(0); // the card shows deliveries when it loads
    await page.reload();
    await expect(page.getByTestId("webhook-card").getByTestId("webhook-card-delivery").first()).toHaveAttribute("data-status", "accepted");
    await screenshot(page, "webhook-card");
    const memberPage = await openAs(browser, member, `/projects/${project.id}`);
    await expect(memberPage.getByTestId("pulls-card-empty")).toBeVisible();
    await expect(memberPage.getByTestId("webhook-card")).toHaveCount(0);
  });

  test("reviewing a vibecode patch shows the suggestions inline on the diff", async ({ browser }) => {
    test.setTimeout(120_000);
    const owner = await srv.createUser("Rita Reviewer");
    const project = await srv.createProject(owner, { name: "Review demo", description: "A project whose patches get reviewed." });
    const page = await openAs(browser, owner, `/projects/${project.id}`);
    await page.getByTestId("new-session-button").click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/sessions/[0-9a-f-]{36}$`));
    await page.getByTestId("prompt-input").fill("Say in the README that patches are reviewed");
    await page.getByTestId("prompt-input").press("Control+Enter");
    const message = page.getByTestId("message").first();
    await expect(message).toHaveAttribute("data-status", "proposed", { timeout: 20_000 });
    const review = message.getByTestId("patch-review");
    await expect(review).toHaveAttribute("data-review-status", "none");
    await review.getByTestId("review-button").click();
    await expect(review).toHaveAttribute("data-review-status", "completed", { timeout: 20_000 });
    // one suggestion under the added line (a react-diff-view widget), one above the file
    const file = message.locator('[data-testid="diff-file"][data-path="README.md"]');
    const inline = file.getByTestId("diff-widget").getByTestId("ai-suggestion");
    await expect(inline).toHaveCount(1);
    await expect(inline).toContainText("Explain the added line");
    await expect(inline).toHaveAttribute("data-severity", "warning");
    await expect(file.getByTestId("file-suggestions").getByTestId("ai-suggestion")).toContainText("Keep changes small");
    await expect(review.getByTestId("review-summary")).toContainText("2 suggestions");
    // the widget row sits right after the added line
    const widgetRowPrev = await file.locator("tr.diff-widget").evaluate((tr) => tr.previousElementSibling?.textContent ?? "");
    expect(widgetRowPrev).toContain("Added by the model");
    // a tall window so the sticky prompt box sits below the whole diff in the picture
    await page.setViewportSize({ width: 1280, height: 1500 });
    await expect(inline).toBeInViewport();
    await screenshot(page, "review-inline");
  });
});
