// Issue #13 in real browsers: two members on one session; one applies a patch with "Apply and test", the run
// streams inline on both pages, it fails, "Fix the failing tests" pre-fills the next prompt; then Push, and the
// branch appears in the origin repository (a local repository inside REPO_ROOTS). No sleeps.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { test, expect, openPage, screenshot, signInContext } from "./fixtures";
import { startServer, type TestServer, type TestUser } from "../test/support/server";
import { FakeOpenAI } from "../test/support/fake-openai";
import { makeRepo } from "../test/support/repos";

const TEST_FILE = `const { test } = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
test("adds", () => assert.strictEqual(1 + 1, 2));
test("readme is fine", () => assert.ok(!fs.readFileSync("README.md", "utf8").includes("break"), "README mentions break"));
`;

test.describe("ship a session", () => {
  let fake: FakeOpenAI;
  let srv: TestServer;
  const contexts: BrowserContext[] = [];

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    fake = await new FakeOpenAI().start();
    srv = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", TEST_RUN_TIMEOUT_MS: "60000" } });
  });
  test.afterAll(async () => {
    await srv?.stop();
    await fake?.stop();
  });
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  async function openAs(browser: Browser, user: TestUser, p: string): Promise<Page> {
    return openPage(await signInContext(browser, srv.url, user), p, contexts);
  }

  test("two members watch apply → test → push; the run streams inline in both; the branch lands in the origin", async ({ browser }) => {
    test.setTimeout(180_000);
    const origin = makeRepo(path.join(srv.dataDir, "repos", "widgets"), { "README.md": "# Widgets\n", "readme.test.js": TEST_FILE });
    const alice = await srv.createUser("Alice");
    const bob = await srv.createUser("Bob");
    const project = await srv.createProject(alice, { name: "Widgets", repository_url: origin, test_command: "node --test" });
    await srv.addMember(alice, project.id, bob, "member");

    // The project page shows the workspace ready, with its default branch.
    const overview = await openAs(browser, alice, `/projects/${project.id}`);
    await expect(overview.getByTestId("workspace-card")).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
    await screenshot(overview, "ship-workspace-card");

    const session = await srv.request("POST", `/api/v1/projects/${project.id}/sessions`, { token: alice.token });
    const url = `/projects/${project.id}/sessions/${session.body.session_id}`;
    const a = await openAs(browser, alice, url);
    const b = await openAs(browser, bob, url);
    await expect(a.getByTestId("session-branch-none")).toBeVisible();

    await a.getByTestId("prompt-input").fill("Please break the readme");
    await a.getByTestId("prompt-submit").click();
    for (const p of [a, b]) {
      await expect(p.getByTestId("message")).toHaveAttribute("data-status", "proposed", { timeout: 30_000 });
      await expect(p.getByTestId("session-branch-name")).toHaveText(new RegExp(`^switchboard/${session.body.session_id.slice(0, 8)}-please-break-the-readme$`));
    }

    await a.getByTestId("apply-test-button").click();
    // The run appears inline on both pages and ends failed, with its results, live.
    for (const p of [a, b]) {
      await expect(p.getByTestId("session-run")).toBeVisible({ timeout: 30_000 });
      await expect(p.getByTestId("session-run")).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
      await expect(p.getByTestId("session-run")).toContainText("readme is fine");
      await expect(p.getByTestId("session-commits")).toContainText("Vibecode: Please break the readme");
    }
    await screenshot(b, "ship-session-run-failed");

    // "Fix the failing tests" pre-fills the next prompt with the failures.
    await b.getByTestId("fix-tests-button").click();
    await expect(b.getByTestId("prompt-input")).toHaveValue(/^Fix the failing tests on switchboard\/.*readme is fine/s);

    // Push: the branch lands in the origin; both pages show it pushed.
    await a.getByTestId("push-button").click();
    for (const p of [a, b]) await expect(p.getByTestId("session-pushed")).toBeVisible({ timeout: 30_000 });
    const branch = (await a.getByTestId("session-branch-name").textContent())!.trim();
    const head = execFileSync("git", ["rev-parse", `refs/heads/${branch}`], { cwd: origin, encoding: "utf8" }).trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(execFileSync("git", ["log", "-1", "--format=%an", branch], { cwd: origin, encoding: "utf8" }).trim()).toBe("Alice");
    await expect(a.getByTestId("download-patch")).toHaveAttribute("href", `/api/v1/sessions/${session.body.session_id}/patch`);
    await screenshot(a, "ship-session-pushed");

    // A repository_url that cannot be cloned: the project page shows why, live, with a Retry.
    const missing = path.join(srv.dataDir, "repos", "not-there");
    expect((await srv.request("PATCH", `/api/v1/projects/${project.id}`, { token: alice.token, body: { repository_url: missing } })).status).toBe(200);
    await expect(overview.getByTestId("workspace-card")).toHaveAttribute("data-state", "failed", { timeout: 30_000 });
    await expect(overview.getByTestId("workspace-error")).toContainText("not-there");
    await expect(overview.getByTestId("workspace-retry")).toBeVisible();
    await screenshot(overview, "ship-workspace-failed");
  });
});
