// The dashboard in a real browser against a real server: sign-up/sign-in, creating projects, and
// live updates between tabs of different users (no reloads, no sleeps: every wait is for an element).
import type { BrowserContext, Page } from "@playwright/test";
import { test, expect, openAs, screenshot, type E2EServer } from "./fixtures";

type User = Awaited<ReturnType<E2EServer["createUser"]>>;

/** A project owned by `owner` with `member` added as a member, over REST. */
async function sharedProject(server: E2EServer, owner: User, member: User, name: string) {
  const created = await server.request(owner, "POST", "/api/v1/projects", { name, description: "First description" });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const added = await server.request(owner, "POST", `/api/v1/projects/${id}/members`, { email: member.email, role: "member" });
  expect(added.status).toBe(201);
  return id;
}

/** A signed-in page at `path`, once the live connection is up. */
/** Marks the document; `expectNoReload` fails if the page was reloaded since. */
const markDocument = (page: Page) => page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
const expectNoReload = async (page: Page) =>
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

test.describe("dashboard", () => {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  test("sign up, sign in again, and create a project through the dialog", async ({ page, server }) => {
    const email = `ui-${Date.now()}@example.com`;
    const password = "correct horse battery";

    await page.goto(`${server.url}/signup`);
    await page.locator('input[name="name"]').fill("Uma Interface");
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(password);
    await page.getByTestId("signup-submit").click();
    await expect(page.getByTestId("projects-empty")).toBeVisible();
    await expect(page).toHaveURL(`${server.url}/`);

    // Out and back in through the sign-in page.
    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByTestId("signin-form")).toBeVisible();
    await screenshot(page, "signin");
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill("wrong password");
    await page.getByTestId("signin-submit").click();
    await expect(page.getByTestId("signin-form").getByRole("alert")).toContainText("Wrong email or password");
    await page.locator('input[name="password"]').fill(password);
    await page.getByTestId("signin-submit").click();

    await expect(page.getByTestId("projects-empty")).toBeVisible();
    await expect(page.getByTestId("projects-empty")).toContainText("No projects yet");
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
    await expect(page.getByTestId("user-name")).toHaveText("Uma Interface");
    await screenshot(page, "projects-empty");

    await page.getByTestId("new-project-button").click();
    const form = page.getByTestId("project-form");
    await page.getByTestId("project-form-submit").click();
    await expect(form.getByRole("alert")).toContainText("name"); // the name is required, said inline
    await form.locator('input[name="name"]').fill("Checkout service");
    await form.locator('textarea[name="description"]').fill("Payments and cart for the web shop");
    await form.locator('input[name="test_command"]').fill("npm test");
    await page.getByTestId("project-form-submit").click();

    const row = page.getByTestId("project-row").filter({ hasText: "Checkout service" });
    await expect(row).toBeVisible();
    await expect(form).toBeHidden();
    await expect(row.getByTestId("project-status")).toHaveText("active");
    await expect(page.getByTestId("projects-empty")).toBeHidden();
    await screenshot(page, "projects-list");

    await row.getByTestId("project-row-name").click();
    await expect(page.getByTestId("project-name")).toHaveText("Checkout service");
    await expect(page.locator('[data-testid="member-row"]')).toHaveCount(1);
  });

  test("owner and member see each other's changes live", async ({ browser, server }) => {
    const owner = await server.createUser("Olivia Owner");
    const member = await server.createUser("Max Member");
    const id = await sharedProject(server, owner, member, "Realtime demo");

    const ownerPage = await openAs(server, browser, owner, `/projects/${id}`, contexts);
    const memberPage = await openAs(server, browser, member, `/projects/${id}`, contexts);
    const memberList = await memberPage.context().newPage();
    await memberList.goto("/");
    await expect(memberList.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
    const listRow = memberList.locator(`[data-testid="project-row"][data-project-id="${id}"]`);
    await expect(listRow).toContainText("Realtime demo");

    for (const p of [ownerPage, memberPage]) {
      await expect(p.getByTestId("project-name")).toHaveText("Realtime demo");
      await expect(p.locator('[data-testid="activity-item"][data-event-type="member.added"]')).toHaveCount(1);
    }
    await expect(memberPage.locator(`[data-testid="member-row"][data-user-id="${owner.id}"]`)).toBeVisible();
    await Promise.all([memberPage, memberList, ownerPage].map(markDocument));

    // The owner renames through the edit dialog.
    await ownerPage.getByTestId("edit-project-button").click();
    const nameInput = ownerPage.getByTestId("project-form").locator('input[name="name"]');
    await nameInput.fill("Realtime demo, renamed");
    await ownerPage.getByTestId("project-form-submit").click();
    await expect(ownerPage.getByTestId("project-name")).toHaveText("Realtime demo, renamed");
    await expect(memberPage.getByTestId("project-name")).toHaveText("Realtime demo, renamed");
    await expect(listRow).toContainText("Realtime demo, renamed");

    // A REST change by the owner reaches both tabs.
    const put = await server.request(owner, "PUT", `/api/v1/projects/${id}`, { description: "Changed over REST" });
    expect(put.status).toBe(200);
    for (const p of [ownerPage, memberPage]) await expect(p.getByTestId("project-description")).toHaveText("Changed over REST");
    await expect(listRow).toContainText("Changed over REST");

    // The member's feed shows both updates, newest first, with who did what.
    const updates = memberPage.locator('[data-testid="activity-item"][data-event-type="project.updated"]');
    await expect(updates).toHaveCount(2);
    await expect(updates.first()).toContainText("Olivia Owner updated the description");
    await expect(updates.nth(1)).toContainText("renamed the project");
    const ids = await updates.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-event-id"))));
    expect(ids[0]).toBeGreaterThan(ids[1]!);

    // Archiving shows up as a status change everywhere.
    await ownerPage.getByTestId("archive-project-button").click();
    await expect(memberPage.getByTestId("project-status")).toHaveText("archived");
    await expect(listRow).toBeHidden(); // the list shows active projects by default

    await expect(memberPage.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
    await expect(memberPage.getByTestId("connection-state")).toHaveText("Connected");
    for (const p of [memberPage, memberList, ownerPage]) await expectNoReload(p);
    await screenshot(memberPage, "project-live-feed");
  });

  test("a project deleted in one tab shows as deleted in the other", async ({ browser, server }) => {
    const owner = await server.createUser("Dora Deleter");
    const member = await server.createUser("Walt Watcher");
    const id = await sharedProject(server, owner, member, "Short-lived");

    const ownerPage = await openAs(server, browser, owner, `/projects/${id}`, contexts);
    const memberPage = await openAs(server, browser, member, `/projects/${id}`, contexts);
    await expect(memberPage.getByTestId("project-name")).toHaveText("Short-lived");
    await expect(memberPage.locator(`[data-testid="member-row"][data-user-id="${owner.id}"]`)).toBeVisible();
    await expect(memberPage.getByTestId("delete-project-button")).toHaveCount(0); // members may not delete
    await markDocument(memberPage);

    await ownerPage.getByTestId("delete-project-button").click();
    await ownerPage.getByTestId("confirm-delete").click();
    await expect(ownerPage).toHaveURL(`${server.url}/`);
    await expect(ownerPage.locator(`[data-testid="project-row"][data-project-id="${id}"]`)).toHaveCount(0);

    await expect(memberPage.getByTestId("project-deleted")).toContainText("This project was deleted");
    await expect(memberPage.getByTestId("project-deleted")).toContainText("Dora Deleter");
    await expectNoReload(memberPage);
    await screenshot(memberPage, "project-deleted");

    await memberPage.getByTestId("back-to-projects").click();
    await expect(memberPage.getByTestId("projects-empty")).toBeVisible();
  });
});
