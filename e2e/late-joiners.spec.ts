// Late joiners get the whole story once: a session page opened in the middle of a streamed answer shows the
// text so far (one piece from REST, not replayed chunks) and then the live rest; a run page opened in the
// middle of a run shows every result and log line so far, then the live ones. Recorders installed before
// the page loads keep every state the page showed, so a doubled or out-of-place fragment at the seam
// between the REST read and the live events fails the test even if the final state is right.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { test, expect, openPage, signInContext } from "./fixtures";
import { projectWithSuite } from "./suites";
import { startServer, type TestServer, type TestUser } from "../test/support/server";
import { FakeOpenAI } from "../test/support/fake-openai";

/** Before any script of the page runs: keep every distinct answer text the first message shows. */
function recordReplies() {
  const w = window as unknown as { __replies: { status: string | null; text: string; gap: boolean }[] };
  w.__replies = [];
  const take = () => {
    const m = document.querySelector('[data-testid="message"]');
    if (!m) return;
    const s = {
      status: m.getAttribute("data-status"),
      text: m.querySelector('[data-testid="message-reply"]')?.textContent ?? "",
      gap: !!m.querySelector('[data-testid="stream-gap"]'),
    };
    const last = w.__replies[w.__replies.length - 1];
    if (!last || last.text !== s.text || last.status !== s.status || last.gap !== s.gap) w.__replies.push(s);
  };
  new MutationObserver(take).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}
const repliesOf = (page: Page) => page.evaluate(() => (window as unknown as { __replies: { status: string | null; text: string; gap: boolean }[] }).__replies);

/** Before any script of the page runs: keep every distinct set of results and log lines the run page shows. */
function recordRun() {
  const w = window as unknown as { __run: { results: string[]; log: string[] }[] };
  w.__run = [];
  let last = "";
  const take = () => {
    const view = document.querySelector('[data-testid="run-view"]');
    if (!view) return;
    const s = {
      results: [...view.querySelectorAll('[data-testid="test-result"]')].map((r) => r.getAttribute("data-name") ?? ""),
      log: [...view.querySelectorAll('[data-testid="run-log"] > div[data-level]')].map((l) => l.textContent ?? ""),
    };
    const key = JSON.stringify(s);
    if (key !== last) w.__run.push(s);
    last = key;
  };
  new MutationObserver(take).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}
const runStatesOf = (page: Page) => page.evaluate(() => (window as unknown as { __run: { results: string[]; log: string[] }[] }).__run);

const duplicates = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);

test.describe("late joiners: a session page opened mid-answer", () => {
  let fake: FakeOpenAI;
  let srv: TestServer;
  const contexts: BrowserContext[] = [];

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    fake = await new FakeOpenAI().start();
    srv = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model" } });
  });
  test.afterAll(async () => {
    fake?.resume();
    await srv?.stop();
    await fake?.stop();
  });
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  async function openRecorded(browser: Browser, user: TestUser, path: string): Promise<Page> {
    const ctx = await signInContext(browser, srv.url, user);
    await ctx.addInitScript(recordReplies);
    return openPage(ctx, path, contexts);
  }

  test("shows the text so far, continues live, and ends with exactly the answer", async ({ browser }) => {
    test.setTimeout(120_000);
    const owner = await srv.createUser("Olivia Owner");
    const viewer = await srv.createUser("Vera Viewer");
    const project = await srv.createProject(owner, { name: "Late joiners", description: "Pages opened mid-answer." });
    await srv.addMember(owner, project.id, viewer, "viewer");
    const created = await srv.request("POST", `/api/v1/projects/${project.id}/sessions`, { token: owner.token });
    const sid: string = created.body.session_id;
    const sent = await srv.request("POST", `/api/v1/sessions/${sid}/messages`, { token: owner.token, body: { prompt: "[[paused]] Tell the long story" } });
    expect(sent.status).toBe(202);

    // The model stops a third of the way; the session's REST answer holds that text in one piece.
    const soFar = await fake.whenPaused();
    const answer = FakeOpenAI.LONG_ANSWER;
    expect(soFar.length).toBeGreaterThan(100);
    await expect
      .poll(async () => (await srv.request("GET", `/api/v1/sessions/${sid}`, { token: viewer.token })).body.messages[0], { timeout: 10_000 })
      .toMatchObject({ status: "streaming", reply: soFar });

    // A page opened now shows exactly the text so far, still streaming.
    const path = `/projects/${project.id}/sessions/${sid}`;
    const early = await openRecorded(browser, viewer, path);
    const earlyMessage = early.getByTestId("message").first();
    await expect(earlyMessage).toHaveAttribute("data-status", "streaming");
    await expect(earlyMessage.getByTestId("message-reply")).toHaveText(soFar);

    // The model goes on; another page opens while the chunks flow (its REST read and its join race them).
    fake.resume();
    const late = await openRecorded(browser, viewer, path);
    await expect(late.getByTestId("message").first().getByTestId("message-reply")).toContainText("Sentence 1 of");

    for (const page of [early, late]) {
      const message = page.getByTestId("message").first();
      await expect(message).toHaveAttribute("data-status", "answered", { timeout: 30_000 });
      await expect(message.getByTestId("message-reply")).toHaveText(answer);
      await expect(message.getByTestId("typing-indicator")).toHaveCount(0);
    }

    // Every state either page showed was a prefix of the answer: nothing doubled, nothing out of place.
    for (const page of [early, late]) {
      const seen = await repliesOf(page);
      for (const s of seen) expect(answer.startsWith(s.text), `shown: ${JSON.stringify(s.text.slice(-200))}`).toBe(true);
      expect(seen.at(-1)).toMatchObject({ status: "answered", text: answer });
    }
    // The early page grew live from the text so far (it did not just wait for the final reply).
    const grew = (await repliesOf(early)).filter((s) => s.status === "streaming" && s.text.length > soFar.length);
    expect(grew.length).toBeGreaterThanOrEqual(2);
  });
});

test.describe("late joiners: a run page opened mid-run", () => {
  test.describe.configure({ timeout: 120_000 });
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  });

  test("shows every result and log line so far, then the live ones, each exactly once", async ({ browser, server }) => {
    const owner = await server.createUser("Ada Owner");
    const member = await server.createUser("Grace Member");
    const total = 30;
    const id = await projectWithSuite(server, owner, member, "Late run", `node slow-suite.js ${total} 600`);
    const started = await server.request(owner, "POST", `/api/v1/projects/${id}/test-runs`, {});
    expect(started.status).toBe(202);
    const runId: string = started.body.test_run_id;

    // Open the page once a few results are in, well before the end.
    await expect
      .poll(async () => ((await server.request(member, "GET", `/api/v1/test-runs/${runId}`)).body.results ?? []).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(4);
    const ctx = await server.newContext(browser, member);
    await ctx.addInitScript(recordRun);
    const page = await openPage(ctx, `/projects/${id}/runs/${runId}`, contexts);
    const view = page.getByTestId("run-view");
    await expect(page.getByTestId("test-result").nth(3)).toBeVisible();
    await expect(view.getByTestId("run-status")).toHaveText("running");

    await expect(view.getByTestId("run-status")).toHaveText("failed", { timeout: 30_000 });
    await expect(page.getByTestId("test-result")).toHaveCount(total);
    const counts = view.getByTestId("run-counts");
    await expect(counts.getByTestId("count-passed")).toHaveText(String(total - 2));
    await expect(counts.getByTestId("count-failed")).toHaveText("1");
    await expect(counts.getByTestId("count-skipped")).toHaveText("1");
    await expect(page.getByTestId("run-log")).toContainText(`ok ${total} - `);

    // At no moment a result or a log line twice; the page had results from before it opened and live ones.
    const states = await runStatesOf(page);
    for (const s of states) {
      expect(duplicates(s.results), "results shown twice").toEqual([]);
      expect(duplicates(s.log.filter((l) => /^(not )?ok \d+ /.test(l))), "log lines shown twice").toEqual([]);
    }
    const final = states.at(-1)!;
    expect(final.results).toHaveLength(total);
    for (let i = 1; i <= total; i++) expect(final.log.filter((l) => new RegExp(`^(not )?ok ${i} `).test(l)), `log line of test ${i}`).toHaveLength(1);
    const sizes = states.map((s) => s.results.length).filter((n) => n > 0);
    expect(sizes[0]!, "the results so far on opening").toBeGreaterThanOrEqual(4);
    expect(sizes.some((n) => n > sizes[0]! && n < total), `results arrived live: ${JSON.stringify(sizes)}`).toBe(true);
  });
});
