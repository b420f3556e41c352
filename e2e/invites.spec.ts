// The invite flow in a real browser with sign-up closed (ALLOW_SIGNUP=false): the admin creates an invite
// link on the Users page, a newcomer opens it, registers and lands signed in; the used link then says so.
// Also: the member form's invite offer, a disabled user's page, the Audit and Profile pages.
import type { BrowserContext } from "@playwright/test";
import { test, expect, screenshot, signInContext } from "./fixtures";
import { startServer, type TestServer, type TestUser } from "../test/support/server";

let s: TestServer;
let admin: TestUser;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  s = await startServer({ env: { ALLOW_SIGNUP: "false" } });
  admin = await s.createUser("Ada Admin"); // the first account may register and is admin
});
test.afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await s?.stop();
});

test("sign-up is closed without an invite; an admin's invite link registers a newcomer once", async ({ browser }) => {
  test.setTimeout(120_000);
  // Closed: the page says so, and registering is refused.
  const anon = await browser.newContext({ baseURL: s.url });
  contexts.push(anon);
  const closed = await anon.newPage();
  await closed.goto("/signup");
  await expect(closed.getByTestId("signup-closed")).toBeVisible();

  // The admin creates an invite link for an email on the Users page.
  const ctx = await signInContext(browser, s.url, admin);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto("/admin/users");
  await expect(page.getByTestId("users-table")).toContainText(admin.email);
  const email = `newcomer-${Date.now()}@example.test`;
  await page.getByTestId("invite-email").fill(email);
  await page.getByTestId("invite-submit").click();
  const url = await page.getByTestId("one-time-link-url").inputValue();
  expect(url).toMatch(/\/signup\?invite=sb_inv_/);
  expect(url.startsWith(`${s.url.replace("127.0.0.1", new URL(page.url()).hostname)}/`), url).toBe(true); // the origin the admin uses
  await expect(page.getByTestId("invites-list")).toContainText(email);
  await screenshot(page, "admin-users-invite");

  // The newcomer opens it: the email is fixed, they register and land signed in on the projects page.
  const guest = await browser.newContext({ baseURL: s.url });
  contexts.push(guest);
  const g = await guest.newPage();
  await g.goto(url.replace(/^https?:\/\/[^/]+/, ""));
  await expect(g.getByRole("heading", { name: "You're invited" })).toBeVisible();
  await expect(g.getByTestId("signup-closed")).toHaveCount(0);
  await expect(g.getByLabel("Email")).toHaveValue(email);
  await screenshot(g, "signup-invited");
  await g.getByLabel("Name").fill("Nina Newcomer");
  await g.getByLabel("Password").fill("correct-horse-battery");
  await g.getByTestId("signup-submit").click();
  await g.waitForURL((u) => u.pathname === "/", { timeout: 30_000 });
  await expect(g.getByText("Nina Newcomer")).toBeVisible();

  // The link is spent: opening it again says so; the admin sees it used.
  const again = await (await anon.newPage());
  await again.goto(url.replace(/^https?:\/\/[^/]+/, ""));
  await expect(again.getByTestId("invite-invalid")).toContainText("used already");
  await screenshot(again, "signup-invite-used");
  await page.reload();
  await expect(page.getByTestId(`user-row-${email}`)).toBeVisible();
  await expect(page.getByTestId("invites-list")).toContainText("used");
});

test("adding a member without an account offers the admin an invite; the audit page shows what happened", async ({ browser }) => {
  test.setTimeout(120_000);
  const p = await s.createProject(admin);
  const ctx = await signInContext(browser, s.url, admin);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`/projects/${p.id}`);
  const form = page.getByTestId("add-member-form");
  await form.getByRole("textbox").fill(`later-${Date.now()}@example.test`);
  await page.getByTestId("add-member-submit").click();
  await expect(page.getByTestId("invite-offer")).toContainText("has no account yet");
  await page.getByTestId("invite-member").click();
  await expect(page.getByTestId("one-time-link-url")).toHaveValue(/\/signup\?invite=sb_inv_/);
  await screenshot(page, "member-invite-offer");

  await page.goto("/admin/audit");
  await expect(page.getByTestId("audit-table")).toContainText("invite.create");
  await expect(page.getByTestId("audit-table")).toContainText("invite.use");
  await page.getByTestId("audit-filter").selectOption("auth.sign_in");
  await expect(page.getByTestId("audit-row").first()).toContainText("auth.sign_in");
  await screenshot(page, "admin-audit");
});

test("a disabled user is signed out at once; the profile changes a name and needs the current password", async ({ browser }) => {
  test.setTimeout(120_000);
  const email = `bo-${Date.now()}@example.test`;
  const created = await s.request("POST", "/api/v1/users", { token: admin.token, body: { email, name: "Bo", password: "correct-horse-battery" } });
  expect(created.status).toBe(201);
  const bo = { email, password: "correct-horse-battery" };
  const ctx = await signInContext(browser, s.url, bo);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto("/settings/profile");
  await page.getByTestId("profile-name-form").getByLabel("Name").fill("Bo Renamed");
  await page.getByTestId("profile-name-form").getByRole("button").click();
  await expect(page.getByText("Bo Renamed").first()).toBeVisible();
  const pw = page.getByTestId("profile-password-form");
  await pw.getByLabel("Current password").fill("not-the-password");
  await pw.getByLabel("New password", { exact: true }).fill("another-good-password");
  await pw.getByLabel("New password again").fill("another-good-password");
  await pw.getByRole("button").click();
  await expect(pw.getByText("The current password is wrong")).toBeVisible();
  await screenshot(page, "profile-wrong-password");

  // The right password, with Bo also signed in in another browser: this page stays signed in and live (its
  // session cookie is renewed), the other browser's session ends at once.
  const elsewhere = await signInContext(browser, s.url, bo);
  contexts.push(elsewhere);
  const otherPage = await elsewhere.newPage();
  await otherPage.goto("/");
  await expect(otherPage.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
  await pw.getByLabel("Current password").fill("correct-horse-battery");
  await pw.getByLabel("New password", { exact: true }).fill("another-good-password");
  await pw.getByLabel("New password again").fill("another-good-password");
  await pw.getByRole("button").click();
  await expect(page.getByText(/Password changed/).first()).toBeVisible();
  await expect(otherPage.getByTestId("connection-state")).not.toHaveAttribute("data-state", "connected", { timeout: 15_000 });
  await otherPage.reload();
  await otherPage.waitForURL(/\/signin/, { timeout: 15_000 });

  // Disabled by the admin: the live connection drops and a reload lands on sign-in.
  await page.goto("/");
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
  const r = await s.request("PATCH", `/api/v1/users/${created.body.id}`, { token: admin.token, body: { disabled: true } });
  expect(r.status).toBe(200);
  await expect(page.getByTestId("connection-state")).not.toHaveAttribute("data-state", "connected", { timeout: 15_000 });
  await page.reload();
  await page.waitForURL(/\/signin/, { timeout: 15_000 });
});
