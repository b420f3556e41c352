// The generated API references in a real browser, signed in: /docs/api renders /api/v1/openapi.json (a known
// route, "try it" sends a real GET with the session cookie — then with a pasted token — and shows 200) and /docs/realtime renders
// /api/v1/asyncapi.json (a known command and event); no CSP violation, no console error, no external request,
// and axe finds no WCAG 2 A/AA violation in the light and the dark theme (beyond the renderer's own, listed
// with the reason in e2e/scalar-axe.ts).
import AxeBuilder from "@axe-core/playwright";
import type { BrowserContext, Page } from "@playwright/test";
import { test, expect, screenshot } from "./fixtures";
import { withoutScalarExclusions } from "./scalar-axe";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** CSP violations, console errors, uncaught errors and requests leaving the origin, for one page. */
async function watch(page: Page, origin: string) {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:")) problems.push(`external request: ${u}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const w = window as unknown as { __csp?: string[] };
      (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return async () => [...problems, ...((await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])) as string[])];
}

/** axe in the light theme, then in the dark one (the reference follows the app's theme). */
async function axeBothThemes(page: Page) {
  const out: Record<string, unknown> = {};
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator("body")).toHaveClass(theme === "dark" ? /\bdark-mode\b/ : /\blight-mode\b/);
    const v = await axe(page);
    if (v.length) out[theme] = v;
  }
  return out;
}

async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return withoutScalarExclusions(result.violations).map((v) => ({ rule: v.id, impact: v.impact, count: v.nodes.length, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} :: ${n.failureSummary?.split("\n")[1]?.trim()}`) }));
}

test.describe("API references", () => {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  test("/docs/api renders the OpenAPI document and 'try it' calls the API with the session", async ({ server, browser }) => {
    test.setTimeout(120_000);
    const user = await server.createUser("Rhea Reference");
    const ctx = await server.newContext(browser, user);
    contexts.push(ctx);
    const page = await ctx.newPage();
    const problems = await watch(page, server.url);
    const docLoaded = page.waitForResponse((r) => r.url() === `${server.url}/api/v1/openapi.json` && r.status() === 200);
    await page.goto(`${server.url}/docs/api`);
    await docLoaded;
    await expect(page.getByRole("heading", { name: "Switchboard API", level: 1 })).toBeVisible({ timeout: 30_000 });

    // A known route, with its request schema: the workflows' progress report.
    await page.goto(`${server.url}/docs/api#tag/workflows/POST/api/v1/workflows/{id}/progress`);
    const progress = page.locator('[id="rest/tag/workflows/POST/api/v1/workflows/{id}/progress"]');
    await expect(progress).toBeVisible({ timeout: 30_000 });
    await expect(progress).toContainText("/api/v1/workflows/{id}/progress");
    await expect(progress).toContainText("current_step");
    await expect(progress).toContainText("INVALID_TRANSITION"); // an error answer, from the route's own text

    // "Try it": GET /api/v1/me from the reference, with nothing but the browser's session cookie.
    await page.goto(`${server.url}/docs/api#tag/auth/GET/api/v1/me`);
    const me = page.locator('[id="rest/tag/auth/GET/api/v1/me"]');
    await expect(me).toBeVisible({ timeout: 30_000 });
    await me.getByRole("button", { name: /Test Request/i }).first().click();
    const client = page.getByRole("dialog");
    await expect(client).toBeVisible();
    const answer = page.waitForResponse((r) => r.url() === `${server.url}/api/v1/me` && r.request().method() === "GET");
    await client.getByRole("button", { name: /^Send/ }).first().click();
    const r = await answer;
    expect(r.status()).toBe(200);
    expect(r.request().headers().authorization).toBeUndefined(); // the session cookie did it
    await expect(client).toContainText("200");
    await expect(client).toContainText(user.email);
    await screenshot(page, "docs-api-try-it");

    // Or a pasted token: switch the call's auth from the session to Bearer and paste an API token.
    const created = await server.request(user, "POST", "/api/v1/tokens", { name: "docs try-it", kind: "personal" });
    expect(created.status).toBe(201);
    await client.getByRole("button", { name: /Auth Type/ }).click();
    await page.getByRole("option", { name: /^bearer/ }).click(); // adds bearer
    await page.getByRole("option", { name: /^session/ }).click(); // drops the session
    await client.getByRole("button", { name: /Auth Type/ }).click(); // closes the menu
    await expect(client.getByRole("button", { name: /Selected Auth Type: bearer/ })).toBeVisible();
    await client.getByLabel("Bearer Token").fill(created.body.token);
    const withToken = page.waitForResponse((r) => r.url() === `${server.url}/api/v1/me` && r.request().method() === "GET");
    await client.getByRole("button", { name: /^Send/ }).first().click();
    const r2 = await withToken;
    expect(r2.status()).toBe(200);
    expect(r2.request().headers().authorization).toBe(`Bearer ${created.body.token}`);
    expect(await axeBothThemes(page)).toEqual({}); // the API client dialog too
    await page.keyboard.press("Escape");
    await expect(client).toBeHidden();

    expect(await axeBothThemes(page)).toEqual({});
    expect(await problems()).toEqual([]);
  });

  test("/docs/realtime renders the AsyncAPI document: commands with their acks, events with their rooms", async ({ server, browser }) => {
    test.setTimeout(120_000);
    const user = await server.createUser("Rory Realtime");
    const ctx = await server.newContext(browser, user);
    contexts.push(ctx);
    const page = await ctx.newPage();
    const problems = await watch(page, server.url);
    await page.goto(`${server.url}/docs/realtime`);
    await expect(page.getByRole("heading", { name: "Switchboard realtime API", level: 1 })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("body")).toContainText("Connecting and authenticating");
    // The server is this origin (the document says localhost:3000; the page puts its own host in).
    await expect(page.locator("body")).toContainText(new URL(server.url).host);

    // A command with its ack: subscribe, on the connection's channel.
    await page.goto(`${server.url}/docs/realtime#channel/socket`);
    await expect(page.locator("body")).toContainText("subscribe", { timeout: 30_000 });
    await expect(page.locator("body")).toContainText("subscribe ack");
    // An event with its room: workflow.progress in workflow:{workflowId}.
    await page.goto(`${server.url}/docs/realtime#channel/roomworkflow`);
    await expect(page.locator("body")).toContainText("workflow.progress", { timeout: 30_000 });
    await expect(page.locator("body")).toContainText("workflow:{workflowId}");
    await screenshot(page, "docs-realtime");

    expect(await axeBothThemes(page)).toEqual({});
    expect(await problems()).toEqual([]);
  });

  test("both references are public, like their documents", async ({ server, page }) => {
    await page.goto(`${server.url}/docs/realtime`);
    await expect(page.getByRole("heading", { name: "Switchboard realtime API", level: 1 })).toBeVisible({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe("/docs/realtime"); // not sent to /signin
    const doc = await page.request.get(`${server.url}/api/v1/asyncapi.json`);
    expect(doc.status()).toBe(200);
    expect((await doc.json()).asyncapi).toBe("3.0.0");
    const again = await page.request.get(`${server.url}/api/v1/asyncapi.json`, { headers: { "if-none-match": doc.headers().etag! } });
    expect(again.status()).toBe(304);
    const openapi = await page.request.get(`${server.url}/api/v1/openapi.json`);
    expect(openapi.status()).toBe(200);
    expect((await openapi.json()).openapi).toBe("3.1.0");
    expect((await page.request.get(`${server.url}/api/v1/openapi.json`, { headers: { "if-none-match": openapi.headers().etag! } })).status()).toBe(304);
  });
});
