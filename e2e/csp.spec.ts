// The Content Security Policy (nonce-based scripts, see lib/security/headers.ts) in a real browser: every
// page hydrates and not one resource or inline script is refused.
import type { BrowserContext, Page } from "@playwright/test";
import { test, expect, openAs } from "./fixtures";

/** Records CSP violations (the DOM event and Chromium's console report) for one page. */
async function watchCsp(page: Page) {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} on ${location.pathname}`);
    });
  });
  return async () => [...violations, ...((await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])) as string[])];
}

test.describe("content security policy", () => {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  test("signed-out pages hydrate under the CSP (the sign-in form answers without a reload)", async ({ page, server }) => {
    const violations = await watchCsp(page);
    await page.goto(`${server.url}/signin`);
    await page.locator('input[name="email"]').fill("nobody@example.com");
    await page.locator('input[name="password"]').fill("not-the-password");
    await page.getByTestId("signin-submit").click();
    await expect(page.getByText("Wrong email or password.")).toBeVisible(); // React handled the submit
    expect(page.url()).toBe(`${server.url}/signin`);
    await page.goto(`${server.url}/signup`);
    await expect(page.getByTestId("signup-submit")).toBeVisible();
    // The API references: Scalar's bundle (served by Next from node_modules) runs under the nonce.
    await page.goto(`${server.url}/docs/api`);
    await expect(page.getByRole("heading", { name: "Switchboard API", level: 1 })).toBeVisible({ timeout: 30_000 });
    await page.goto(`${server.url}/docs/realtime`);
    await expect(page.getByRole("heading", { name: "Switchboard realtime API", level: 1 })).toBeVisible({ timeout: 30_000 });
    expect(await violations()).toEqual([]);
  });

  test("dashboard pages hydrate and connect live under the CSP", async ({ browser, server }) => {
    const user = await server.createUser("Csp Tester");
    const created = await server.request(user, "POST", "/api/v1/projects", { name: "Under CSP" });
    expect(created.status).toBe(201);
    const page = await openAs(server, browser, user, "/", contexts); // waits for the live connection
    const violations = await watchCsp(page);
    for (const p of ["/", `/projects/${created.body.id}`, "/agents", "/settings/tokens"]) {
      await page.goto(`${server.url}${p}`);
      await expect(page.locator("main")).toBeVisible();
    }
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId("project-row-name")).toHaveText("Under CSP"); // fetched by the client
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected"); // Socket.IO under connect-src
    expect(await violations()).toEqual([]);
  });
});
