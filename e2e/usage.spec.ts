// Model usage and budgets in a real browser: the project page's usage card (empty state, the day's bar once the
// fake model answered), an owner setting the budget in the card (bad input refused in words), the spent state,
// and the admin page's usage per project. Its own server (its first user is the admin) and fake OpenAI server.
import type { BrowserContext } from "@playwright/test";
import { test, expect, screenshot, signInContext } from "./fixtures";
import { startServer, type TestServer, type TestUser } from "../test/support/server";
import { FakeOpenAI } from "../test/support/fake-openai";

let s: TestServer;
let fake: FakeOpenAI;
let admin: TestUser;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000); // a server start on a loaded machine
  fake = await new FakeOpenAI().start();
  s = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model" } });
  admin = await s.createUser("Ada Admin");
});
test.afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await s?.stop();
  await fake?.stop();
});

test("the usage card shows the month's tokens per day; an owner sets the budget; admins see usage per project", async ({ browser }) => {
  test.setTimeout(300_000);
  const owner = await s.createUser("Olga Owner");
  const project = await s.createProject(owner, { name: "Metered app" });
  const ctx = await signInContext(browser, s.url, owner);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`/projects/${project.id}`);
  const card = page.getByTestId("usage-card");
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
  await expect(card.getByTestId("usage-empty")).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "usage-card-empty");
  await expect(card.getByTestId("usage-summary")).toHaveAttribute("data-total", "0");

  // One answer from the fake model: the card follows (vibecode_response invalidates it).
  const session = await s.request("POST", `/api/v1/projects/${project.id}/sessions`, { token: owner.token });
  const sent = await s.request("POST", `/api/v1/sessions/${session.body.session_id}/messages`, { token: owner.token, body: { prompt: "Add a line" } });
  expect(sent.status).toBe(202);
  await expect.poll(async () => (await s.request("GET", `/api/v1/projects/${project.id}/usage`, { token: owner.token })).body.total_tokens, { timeout: 60_000 }).toBeGreaterThan(0);
  const tokens = (await s.request("GET", `/api/v1/projects/${project.id}/usage`, { token: owner.token })).body.total_tokens as number;
  await expect(card.getByTestId("usage-summary")).toHaveAttribute("data-total", String(tokens), { timeout: 30_000 });
  const today = new Date().toISOString().slice(0, 10);
  await expect(card.locator(`[data-testid="usage-day"][data-date="${today}"]`)).toHaveAttribute("data-tokens", String(tokens));
  await expect(card.getByTestId("usage-day")).toHaveCount(Number(today.slice(8, 10)));

  // The owner sets a budget in the card: words are refused in words, the exact usage spends it.
  await card.getByTestId("budget-edit").click();
  await card.getByTestId("budget-input").fill("lots");
  await card.getByTestId("budget-save").click();
  await expect(card.getByTestId("budget-error")).toContainText("whole number");
  await card.getByTestId("budget-input").fill(String(tokens));
  await card.getByTestId("budget-save").click();
  await expect(card.getByTestId("usage-summary")).toHaveAttribute("data-budget", String(tokens));
  await expect(card.getByTestId("usage-remaining")).toContainText("Budget spent");
  await screenshot(page, "usage-card-spent");
  const refused = await s.request("POST", `/api/v1/sessions/${session.body.session_id}/messages`, { token: owner.token, body: { prompt: "More" } });
  expect(refused.status).toBe(429);
  expect(refused.body.error.code).toBe("BUDGET_EXCEEDED");

  // The admin page lists the project's usage and budget.
  const adminCtx = await signInContext(browser, s.url, admin);
  contexts.push(adminCtx);
  const adminPage = await adminCtx.newPage();
  await adminPage.goto("/admin");
  await expect(adminPage.getByTestId("admin-dashboard")).toBeVisible({ timeout: 30_000 });
  const row = adminPage.locator(`[data-testid="admin-usage-row"][data-project-id="${project.id}"]`);
  await expect(row).toHaveAttribute("data-tokens", String(tokens), { timeout: 30_000 });
  await expect(row).toContainText("Metered app");
  await screenshot(adminPage, "admin-usage");
});
