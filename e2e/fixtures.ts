// Playwright fixtures: one real Switchboard server per worker (fresh database), users made over REST,
// browser contexts signed in through next-auth's credentials flow so their cookies are real.
import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startServer, type TestServer, type TestUser } from "../test/support/server";

export const SCREENSHOT_DIR = path.resolve(__dirname, "../test-results/screens");

export type E2EServer = {
  url: string;
  createUser(name?: string): Promise<TestUser>;
  request<T = any>(user: TestUser | null, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }>;
  newContext(browser: Browser, user: TestUser): Promise<BrowserContext>;
  raw: TestServer;
};

/** A browser context signed in as `user` through next-auth's credentials flow (real cookies); the caller closes it. */
export async function signInContext(browser: Browser, baseURL: string, user: Pick<TestUser, "email" | "password">): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL });
  const csrf = await (await ctx.request.get("/api/auth/csrf")).json();
  const res = await ctx.request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, email: user.email, password: user.password, json: "true" },
    maxRedirects: 0,
  });
  const cookies = await ctx.cookies();
  if (!cookies.some((c) => c.name.includes("session-token"))) {
    await ctx.close();
    throw new Error(`sign-in failed (${res.status()})`);
  }
  return ctx;
}

export const test = base.extend<{}, { server: E2EServer }>({
  server: [
    async ({}, use) => {
      const s = await startServer();
      const contexts: BrowserContext[] = [];
      await use({
        url: s.url,
        raw: s,
        createUser: (name) => s.createUser(name),
        request: (user, method, p, body) => s.request(method, p, { token: user?.token, body }),
        async newContext(browser, user) {
          const ctx = await signInContext(browser, s.url, user);
          contexts.push(ctx);
          return ctx;
        },
      });
      for (const c of contexts) await c.close().catch(() => {});
      await s.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
});

/** A new page of a signed-in context at `path`, once its socket is connected; the context joins `contexts` (closed by the caller). */
export async function openPage(ctx: BrowserContext, path: string, contexts: BrowserContext[]): Promise<Page> {
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(path);
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
  return page;
}

/** `path` opened by `user` in a context of its own on the worker's server. */
export async function openAs(server: E2EServer, browser: Browser, user: TestUser, path: string, contexts: BrowserContext[]): Promise<Page> {
  return openPage(await server.newContext(browser, user), path, contexts);
}

/** Save a screenshot as a test artifact (test-results/screens/<name>.png). */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export { expect };
