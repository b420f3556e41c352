// Accessibility in real browsers: axe-core (WCAG 2.0/2.1 A and AA) on every page, signed out and signed in,
// empty and full, in the light and the dark theme; keyboard use (Tab reaches every action with a visible
// focus ring, Escape closes dialogs, j/k/Enter in long lists); live regions; the theme toggle without a
// flash of the wrong theme; copy buttons; relative times that tick. Screenshots of every page in both
// themes are kept in test-results/screenshots/ and attached to the report.
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page, TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { test, expect, signInContext } from "./fixtures";
import { suiteRepo } from "./suites";
import { startServer, type TestServer, type TestUser } from "../test/support/server";
import { FakeOpenAI } from "../test/support/fake-openai";
import { withoutScalarExclusions } from "./scalar-axe";

const SHOTS = path.resolve(__dirname, "../test-results/screenshots");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
type Theme = "light" | "dark";

let fake: FakeOpenAI;
let srv: TestServer;
let admin: TestUser;
let newcomer: TestUser;
let agentSocket: Socket | null = null;
const ids = { full: "", empty: "", run: "", workflow: "", failedWorkflow: "", session: "", trace: "" };
const contexts: BrowserContext[] = [];

async function api<T = any>(user: TestUser, method: string, p: string, body?: unknown): Promise<T> {
  const r = await srv.request(method, p, { token: user.token, body });
  if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as T;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  fake = await new FakeOpenAI().start();
  srv = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model" } });
  admin = await srv.createUser("Ada Admin");
  expect(admin.role).toBe("admin");
  newcomer = await srv.createUser("Nell Newcomer");

  // A project with everything: members, finished runs (passed, failed, skipped results), workflows, an agent,
  // a session with a proposed patch; and an empty one.
  const repo = suiteRepo({ raw: srv } as Parameters<typeof suiteRepo>[0]);
  // A README for the model's patch to extend (the fake model appends a line to it).
  writeFileSync(path.join(repo, "README.md"), "# Checkout service\n\nCart, payments and receipts.\n");
  execFileSync("git", ["-c", "user.name=E2E", "-c", "user.email=e2e@example.test", "add", "README.md"], { cwd: repo });
  execFileSync("git", ["-c", "user.name=E2E", "-c", "user.email=e2e@example.test", "commit", "--quiet", "-m", "README"], { cwd: repo });
  const full = await api(admin, "POST", "/api/v1/projects", {
    name: "Checkout service",
    description: "Cart, payments and receipts. See the runbook before deploying.",
    repository_url: repo,
    test_command: "node slow-suite.js 10 20",
  });
  ids.full = full.id;
  const member = await srv.createUser("Max Member");
  await srv.addMember(admin, full.id, member, "member");
  ids.empty = (await api(admin, "POST", "/api/v1/projects", { name: "Fresh start" })).id;

  for (let i = 0; i < 2; i++) {
    const run = await api(admin, "POST", `/api/v1/projects/${full.id}/test-runs`, {});
    ids.run = run.test_run_id;
    await until("the run to finish", async () => {
      const r = await srv.request("GET", `/api/v1/test-runs/${ids.run}`, { token: admin.token });
      return r.status === 200 && ["passed", "failed", "error", "cancelled", "timed_out"].includes(r.body.status) && r.body;
    });
  }

  const wf = await api(admin, "POST", `/api/v1/projects/${full.id}/workflows`, { name: "Release 1.4", total_steps: 3 });
  ids.workflow = wf.id;
  await api(admin, "POST", `/api/v1/workflows/${wf.id}/progress`, { progress: 40, current_step: 1, step_name: "Build the image", logs: ["docker build .", "Successfully built 3f2a"] });
  await api(admin, "POST", `/api/v1/workflows/${wf.id}/progress`, { progress: 70, current_step: 2, step_name: "Run migrations", logs: ["migrating 0042"], errors: ["slow migration: 12s"] });
  await api(admin, "POST", `/api/v1/workflows/${wf.id}/complete`, { result: { version: "1.4.0" } });
  const failed = await api(admin, "POST", `/api/v1/projects/${full.id}/workflows`, { name: "Nightly backup" });
  ids.failedWorkflow = failed.id;
  await api(admin, "POST", `/api/v1/workflows/${failed.id}/fail`, { error: "bucket not reachable" });
  await api(admin, "POST", `/api/v1/projects/${full.id}/workflows`, { name: "Reindex search", total_steps: 4 });

  const minted = await api(admin, "POST", "/api/v1/tokens", { name: "Refactor bot", kind: "agent", project_ids: [full.id] });
  await api(admin, "POST", "/api/v1/tokens", { name: "CI uploader", kind: "personal", project_ids: [full.id] });
  agentSocket = io(srv.url, { auth: { token: minted.token }, transports: ["websocket"], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    agentSocket!.once("connect", () => resolve());
    agentSocket!.once("connect_error", reject);
  });
  await api(admin, "POST", "/api/v1/tokens", { name: "Docs bot", kind: "agent", project_ids: [full.id] }); // stays offline

  const session = await api(admin, "POST", `/api/v1/projects/${full.id}/sessions`);
  ids.session = session.session_id;
  await api(admin, "POST", `/api/v1/sessions/${ids.session}/messages`, { prompt: "Explain the refund flow in the README" });
  await until("the answer", async () => {
    const s = await srv.request("GET", `/api/v1/sessions/${ids.session}`, { token: admin.token });
    const status = s.body.messages?.[0]?.status;
    if (status && !["pending", "streaming", "proposed"].includes(status)) throw new Error(`the answer ended ${status}: ${JSON.stringify(s.body.messages[0]).slice(0, 400)}`);
    return status === "proposed";
  });
  ids.trace = (await srv.request("GET", `/api/v1/sessions/${ids.session}`, { token: admin.token })).body.messages[0].trace_id;
});

test.afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => {});
  agentSocket?.close();
  await srv?.stop();
  await fake?.stop();
});

async function contextFor(browser: Browser, user: TestUser | null, theme: Theme, extra: Parameters<Browser["newContext"]>[0] = {}) {
  const ctx = user
    ? await signInContext(browser, srv.url, user)
    : await browser.newContext({ baseURL: srv.url });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
  void extra;
  return page;
}

/** Open a page and wait until it has settled: live connection up, no skeletons. */
async function open(page: Page, url: string, signedIn: boolean) {
  await page.goto(url);
  if (signedIn) await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected", { timeout: 20_000 });
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 20_000 });
  await page.waitForLoadState("load");
  await page.waitForTimeout(400); // fonts, transitions (reduced motion shortens animations)
}

async function keepScreenshot(page: Page, name: string, testInfo: TestInfo) {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  // The API references (Scalar) carry one documented exception of the renderer's own markup (e2e/scalar-axe.ts).
  const docs = /^\/docs\//.test(new URL(page.url()).pathname);
  return (docs ? withoutScalarExclusions(result.violations) : result.violations).map((v) => ({
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} :: ${n.failureSummary?.split("\n").slice(1, 2).join(" ").trim()}`),
    count: v.nodes.length,
  }));
}

type PageCase = { name: string; url: () => string; user: () => TestUser | null; ready?: (page: Page) => Promise<void> };

const PAGES: PageCase[] = [
  { name: "signin", url: () => "/signin", user: () => null },
  { name: "signup", url: () => "/signup", user: () => null },
  { name: "api-docs", url: () => "/docs/api", user: () => null, ready: async (p) => void (await expect(p.getByRole("heading", { name: "Switchboard API", level: 1 })).toBeVisible({ timeout: 30_000 })) },
  { name: "realtime-docs", url: () => "/docs/realtime", user: () => null, ready: async (p) => void (await expect(p.getByRole("heading", { name: "Switchboard realtime API", level: 1 })).toBeVisible({ timeout: 30_000 })) },
  { name: "projects-empty", url: () => "/", user: () => newcomer, ready: async (p) => void (await expect(p.getByTestId("user-name")).toBeVisible()) },
  { name: "agents-empty", url: () => "/agents", user: () => newcomer },
  { name: "tokens-empty", url: () => "/settings/tokens", user: () => newcomer },
  { name: "project-empty", url: () => `/projects/${ids.empty}`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("project-name")).toBeVisible()) },
  { name: "runs-empty", url: () => `/projects/${ids.empty}/runs`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("runs-empty")).toBeVisible()) },
  { name: "workflows-empty", url: () => `/projects/${ids.empty}/workflows`, user: () => admin },
  { name: "projects", url: () => "/", user: () => admin, ready: async (p) => void (await expect(p.getByTestId("project-row").first()).toBeVisible()) },
  { name: "project", url: () => `/projects/${ids.full}`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("activity-item").first()).toBeVisible()) },
  { name: "runs", url: () => `/projects/${ids.full}/runs`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("run-row")).toHaveCount(2)) },
  { name: "run", url: () => `/projects/${ids.full}/runs/${ids.run}`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("test-result")).toHaveCount(10)) },
  { name: "workflows", url: () => `/projects/${ids.full}/workflows`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("workflow-row").nth(2)).toBeVisible()) },
  { name: "workflow", url: () => `/projects/${ids.full}/workflows/${ids.workflow}`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("workflow-log")).toHaveCount(3)) },
  { name: "workflow-failed", url: () => `/projects/${ids.full}/workflows/${ids.failedWorkflow}`, user: () => admin },
  { name: "agents", url: () => "/agents", user: () => admin },
  { name: "tokens", url: () => "/settings/tokens", user: () => admin },
  { name: "admin", url: () => "/admin", user: () => admin, ready: async (p) => void (await expect(p.getByTestId("admin-dashboard")).toBeVisible()) },
  { name: "session", url: () => `/projects/${ids.full}/sessions/${ids.session}`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("diff-view")).toBeVisible()) },
  { name: "files", url: () => `/projects/${ids.full}/files`, user: () => admin, ready: async (p) => void (await expect(p.getByTestId("file-content")).toBeVisible()) },
  { name: "pulls", url: () => `/projects/${ids.full}/pulls`, user: () => admin },
  { name: "trace", url: () => `/projects/${ids.full}/traces/${ids.trace}`, user: () => admin },
  { name: "admin-users", url: () => "/admin/users", user: () => admin },
  { name: "admin-audit", url: () => "/admin/audit", user: () => admin },
  { name: "profile", url: () => "/settings/profile", user: () => admin },
];

for (const theme of ["light", "dark"] as const) {
  test(`axe finds no WCAG 2 A/AA violation on any page (${theme})`, async ({ browser }, testInfo) => {
    test.setTimeout(600_000);
    const report: Record<string, unknown> = {};
    const pages = new Map<string, Page>();
    for (const c of PAGES) {
      const user = c.user();
      const key = user?.email ?? "anonymous";
      let page = pages.get(key);
      if (!page) {
        page = await contextFor(browser, user, theme);
        pages.set(key, page);
      }
      await open(page, c.url(), !!user);
      try {
        await c.ready?.(page);
      } catch (e) {
        report[`${c.name} (not ready)`] = String(e).slice(0, 300);
      }
      await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
      await keepScreenshot(page, `${c.name}-${theme}`, testInfo);
      const violations = await axe(page);
      if (violations.length) report[c.name] = violations;
    }
    expect(report, JSON.stringify(report, null, 2)).toEqual({});
  });
}

test("the theme toggle is remembered and applied before the first paint (no flash), under the CSP", async ({ browser }) => {
  const page = await contextFor(browser, admin, "light");
  const cspErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  // Record <html>'s class the moment <body> is created, before anything is painted.
  await page.addInitScript(() => {
    const w = window as unknown as { __classAtBody?: string };
    new MutationObserver((_, obs) => {
      if (document.body) {
        w.__classAtBody = document.documentElement.className;
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await open(page, "/", true);
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  await expect(page.getByTestId("theme-system")).toHaveAttribute("aria-pressed", "true");

  const bodyColour = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lightBg = await bodyColour();
  await page.getByTestId("theme-dark").click();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await expect(page.getByTestId("theme-dark")).toHaveAttribute("aria-pressed", "true");
  expect(await bodyColour()).not.toBe(lightBg);

  // A reload with a light system setting: dark from the first paint on.
  await page.reload();
  expect(await page.evaluate(() => (window as unknown as { __classAtBody?: string }).__classAtBody)).toMatch(/\bdark\b/);
  await expect(page.getByTestId("theme-dark")).toHaveAttribute("aria-pressed", "true");

  // Light wins over a dark system; "system" follows the system again, live.
  await page.getByTestId("theme-light").click();
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  expect(await page.evaluate(() => (window as unknown as { __classAtBody?: string }).__classAtBody)).not.toMatch(/\bdark\b/);
  await page.getByTestId("theme-system").click();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  expect(cspErrors).toEqual([]);
});

/** Tab from the top of the page until focus comes back around; returns what got focus and whether it showed a ring. */
async function tabAround(page: Page, max = 120) {
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  const seen: { key: string; ring: boolean }[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const ring = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
      if (!el.dataset.tabSeen) el.dataset.tabSeen = String(Math.random());
      return { key: el.dataset.tabSeen, ring, desc: `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ""} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 30)}"` };
    });
    if (!f) continue;
    if (seen.some((s) => s.key === f.key)) break;
    seen.push({ key: f.key, ring: f.ring });
    expect(f.ring, `focus ring on ${f.desc}`).toBe(true);
  }
  // Every visible, enabled action of the page was reached.
  const missed = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])")]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !el.closest("[inert], [aria-hidden='true']"))
      .filter((el) => !el.dataset.tabSeen)
      .map((el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ""} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 30)}"`),
  );
  expect(missed, "actions Tab never reached").toEqual([]);
  return seen.length;
}

test("every action is reachable by Tab with a visible focus ring; Escape closes dialogs", async ({ browser }) => {
  test.setTimeout(240_000);
  const page = await contextFor(browser, admin, "light");
  for (const url of ["/", `/projects/${ids.full}`, `/projects/${ids.full}/runs`, `/projects/${ids.full}/runs/${ids.run}`, `/projects/${ids.full}/workflows/${ids.workflow}`, "/settings/tokens"]) {
    await open(page, url, true);
    expect(await tabAround(page, 200), url).toBeGreaterThan(5);
  }

  // A dialog: opened from the keyboard, Escape closes it.
  await open(page, "/", true);
  const newProject = page.getByRole("button", { name: /new project/i }).first();
  await newProject.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});

test("j / k move through long lists with a visible selection and Enter opens", async ({ browser }) => {
  const page = await contextFor(browser, admin, "light");
  await open(page, `/projects/${ids.full}/runs`, true);
  const rows = page.getByTestId("run-row");
  await expect(rows).toHaveCount(2);
  await page.keyboard.press("j");
  await expect(rows.nth(0)).toHaveAttribute("data-kbd-selected", "");
  await expect(rows.nth(0)).toBeFocused();
  const outline = await rows.nth(0).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toHaveAttribute("data-kbd-selected", "");
  await expect(rows.nth(0)).not.toHaveAttribute("data-kbd-selected", "");
  await page.keyboard.press("j"); // stays on the last
  await expect(rows.nth(1)).toHaveAttribute("data-kbd-selected", "");
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toHaveAttribute("data-kbd-selected", "");
  const runId = await rows.nth(0).getAttribute("data-run-id");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));

  // The run's results: j / k, Enter opens or closes a failure's error.
  await expect(page.getByTestId("test-result")).toHaveCount(10);
  await page.keyboard.press("j");
  const first = page.getByTestId("test-result").first();
  await expect(first).toHaveAttribute("data-kbd-selected", "");
  await expect(first).toHaveAttribute("data-status", "failed");
  await expect(first.getByTestId("test-result-error")).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(first.getByTestId("test-result-error")).toHaveCount(0);
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(page.getByTestId("test-result").nth(2)).toBeFocused();

  // The activity feed too.
  await open(page, `/projects/${ids.full}`, true);
  const items = page.getByTestId("activity-item");
  await expect(items.first()).toBeVisible();
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(items.nth(1)).toHaveAttribute("data-kbd-selected", "");
  await expect(items.nth(1)).toBeFocused();

  // Letters typed into a field stay there.
  await open(page, `/projects/${ids.full}/sessions/${ids.session}`, true);
  await page.getByTestId("prompt-input").focus();
  await page.keyboard.type("jk");
  await expect(page.getByTestId("prompt-input")).toHaveValue("jk");
  await expect(page.locator("[data-kbd-selected]")).toHaveCount(0);
});

test("live regions announce connection changes and run results", async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await contextFor(browser, admin, "light");
  await open(page, `/projects/${ids.full}/runs`, true);
  const conn = page.getByTestId("connection-announcer");
  await expect(conn).toHaveAttribute("aria-live", "polite");
  await expect(conn).toHaveText(""); // the first connection is not news

  // The run page announces failures as they arrive and how the run ended (a suite slow enough to open the page first).
  const slow = await api(admin, "POST", "/api/v1/projects", { name: "Slow lane", repository_url: suiteRepo({ raw: srv } as Parameters<typeof suiteRepo>[0]), test_command: "node slow-suite.js 10 1000" });
  const run = await api(admin, "POST", `/api/v1/projects/${slow.id}/test-runs`, {});
  const runId: string = run.test_run_id;
  await page.goto(`/projects/${slow.id}/runs/${runId}`);
  await expect(page.getByTestId("run-view").getByTestId("run-status")).toHaveText("running", { timeout: 20_000 });
  const announcer = page.getByTestId("run-announcer");
  await expect(announcer).toHaveAttribute("aria-live", "polite");
  await expect(announcer).toHaveText(/Test failed: computes the total\. 1 failed so far\./, { timeout: 30_000 });
  await expect(announcer).toHaveText(/Run failed: 1 of 10 tests failed\. 8 passed, 1 failed, 1 skipped\./, { timeout: 60_000 });
  const progress = page.getByTestId("run-progress");
  await expect(progress).toHaveAttribute("data-segmented", "true");
  await expect(progress.getByTestId("progress-passed")).toHaveAttribute("data-count", "8");
  await expect(progress.getByTestId("progress-failed")).toHaveAttribute("data-count", "1");
  await expect(progress.getByTestId("progress-skipped")).toHaveAttribute("data-count", "1");
  await expect(progress.getByRole("progressbar")).toHaveAttribute("aria-valuetext", /8 passed, 1 failed, 1 skipped/);

  // The connection drops and comes back: both are said.
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");
  await page.context().setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  await expect(conn).toHaveText(/Reconnecting|Offline/, { timeout: 30_000 });
  await page.context().setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(conn).toHaveText("Live updates connected.", { timeout: 60_000 });
});

test("copy buttons copy ids, commands and patches and say so to screen readers", async ({ browser }) => {
  const ctx = await signInContext(browser, srv.url, admin);
  contexts.push(ctx);
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: srv.url });
  const page = await ctx.newPage();
  await open(page, `/projects/${ids.full}/runs/${ids.run}`, true);
  const clip = () => page.evaluate(() => navigator.clipboard.readText());

  await page.getByTestId("copy-run-id").click();
  expect(await clip()).toBe(ids.run);
  await expect(page.getByTestId("copy-run-id")).toHaveAttribute("data-state", "copied");
  await expect(page.getByTestId("copy-status").filter({ hasText: "Copied" })).toHaveCount(1);
  await page.getByTestId("copy-command").click();
  expect(await clip()).toBe("node slow-suite.js 10 20");

  await open(page, `/projects/${ids.full}/sessions/${ids.session}`, true);
  await page.getByTestId("copy-patch").click();
  await expect(page.getByTestId("copy-patch")).toContainText("Copied");
  const patch = await clip();
  expect(patch).toContain("README.md");
  expect(patch).toMatch(/^(diff --git|---|\+\+\+)/m);
});

test("relative times keep ticking", async ({ browser }) => {
  const page = await contextFor(browser, admin, "light");
  await page.clock.install();
  const project = await api(admin, "POST", "/api/v1/projects", { name: "Ticking clock" });
  await open(page, `/projects/${project.id}`, true);
  const updated = page.getByTestId("project-header-updated").locator("time");
  await expect(updated).toHaveText("just now");
  await page.clock.fastForward("03:10");
  await expect(updated).toHaveText(/3 min\. ago/);
});
