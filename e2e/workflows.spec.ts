// Workflows in real browsers: two people watch a workflow's page while the test drives it over REST
// (steps, logs, errors, completion); both see every change live, and the project page's card follows it.
import type { BrowserContext } from "@playwright/test";
import { test, expect, openAs, screenshot, signInContext } from "./fixtures";
import { FakeOpenAI } from "../test/support/fake-openai";
import { startServer } from "../test/support/server";

test("two people watch a workflow progress live until it completes", async ({ server, browser }) => {
  test.setTimeout(120_000);
  const contexts: BrowserContext[] = [];
  const owner = await server.createUser("Olivia Owner");
  const viewer = await server.createUser("Victor Viewer");
  const project = (await server.request(owner, "POST", "/api/v1/projects", { name: "Deploy pipeline" })).body;
  expect((await server.request(owner, "POST", `/api/v1/projects/${project.id}/members`, { email: viewer.email, role: "viewer" })).status).toBe(201);

  // The project page's card shows no workflow, then the new one appears live.
  const projectPage = await openAs(server, browser, viewer, `/projects/${project.id}`, contexts);
  await expect(projectPage.getByTestId("workflows")).toContainText("No workflows yet");
  const created = await server.request(owner, "POST", `/api/v1/projects/${project.id}/workflows`, { name: "Release 1.4", total_steps: 3 });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const cardItem = projectPage.getByTestId("workflow-card-item");
  await expect(cardItem).toContainText("Release 1.4");
  await expect(cardItem.getByTestId("workflow-card-status")).toHaveAttribute("data-status", "running");

  const pages = [
    await openAs(server, browser, owner, `/projects/${project.id}/workflows/${id}`, contexts),
    await openAs(server, browser, viewer, `/projects/${project.id}/workflows/${id}`, contexts),
  ];
  for (const page of pages) {
    await expect(page.getByTestId("workflow-view")).toBeVisible();
    await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "running");
    await expect(page.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", "0");
    await expect(page.getByTestId("agent-events-empty")).toBeVisible();
  }

  const steps = [
    { progress: 20, current_step: 1, step_name: "Build the image", logs: ["docker build .", "Successfully built 3f2a"] },
    { progress: 55, current_step: 2, step_name: "Run migrations", logs: ["migrating 0042_add_index"], errors: ["slow migration: 12s"] },
    { progress: 80, current_step: 3, step_name: "Roll out", logs: ["3/3 pods ready"] },
  ];
  let logs = 0;
  for (const [i, body] of steps.entries()) {
    const r = await server.request(owner, "POST", `/api/v1/workflows/${id}/progress`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    logs += body.logs.length;
    for (const page of pages) {
      await expect(page.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", String(body.progress));
      await expect(page.getByTestId("workflow-step")).toHaveCount(i + 1);
      await expect(page.getByTestId("workflow-step").last()).toContainText(body.step_name);
      await expect(page.getByTestId("workflow-log")).toHaveCount(logs);
      await expect(page.getByTestId("workflow-log").last()).toHaveText(body.logs.at(-1)!);
    }
    await expect(cardItem.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", String(body.progress));
  }
  for (const page of pages) await expect(page.getByTestId("workflow-error")).toHaveText(["slow migration: 12s"]);
  await screenshot(pages[1]!, "workflow-running");

  // A refused update changes nothing on screen.
  expect((await server.request(owner, "POST", `/api/v1/workflows/${id}/progress`, { progress: 10 })).status).toBe(409);

  const done = await server.request(owner, "POST", `/api/v1/workflows/${id}/complete`, { result: { version: "1.4.0" } });
  expect(done.status).toBe(200);
  for (const page of pages) {
    await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "completed");
    await expect(page.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", "100");
    await expect(page.getByTestId("workflow-result")).toContainText("1.4.0");
    await expect(page.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", "100");
  }
  await expect(cardItem.getByTestId("workflow-card-status")).toHaveAttribute("data-status", "completed");

  // A reload shows the same stored state (timeline, logs, errors) from REST.
  await pages[0]!.reload();
  await expect(pages[0]!.getByTestId("workflow-step")).toHaveCount(3);
  await expect(pages[0]!.getByTestId("workflow-log")).toHaveCount(logs);
  await expect(pages[0]!.getByTestId("workflow-status")).toHaveAttribute("data-status", "completed");
  await screenshot(pages[0]!, "workflow-completed");

  // The list page shows it, and an unknown workflow says so.
  await pages[1]!.goto(`/projects/${project.id}/workflows`);
  await expect(pages[1]!.getByTestId("workflow-row")).toHaveCount(1);
  await expect(pages[1]!.getByTestId("workflow-row-status")).toHaveAttribute("data-status", "completed");
  await pages[1]!.goto(`/projects/${project.id}/workflows/00000000-0000-4000-8000-000000000009`);
  await expect(pages[1]!.getByTestId("workflow-not-found")).toBeVisible();

  for (const c of contexts) await c.close();
});

test("a failed workflow shows its error; the API reference lists the workflow routes", async ({ server, browser }) => {
  const contexts: BrowserContext[] = [];
  const owner = await server.createUser("Fay Failer");
  const project = (await server.request(owner, "POST", "/api/v1/projects", { name: "Nightly" })).body;
  const id = (await server.request(owner, "POST", `/api/v1/projects/${project.id}/workflows`, { name: "Backup" })).body.id;
  const page = await openAs(server, browser, owner, `/projects/${project.id}/workflows/${id}`, contexts);
  await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "running");
  expect((await server.request(owner, "POST", `/api/v1/workflows/${id}/fail`, { error: "bucket not reachable" })).status).toBe(200);
  await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("workflow-failure")).toHaveText("bucket not reachable");
  await screenshot(page, "workflow-failed");

  // The reference (Scalar, from /api/v1/openapi.json) lists the workflow routes with their request schemas.
  await page.goto("/docs/api#tag/workflows/POST/api/v1/workflows/{id}/progress");
  const op = page.locator('[id="rest/tag/workflows/POST/api/v1/workflows/{id}/progress"]');
  await expect(op).toBeVisible({ timeout: 30_000 });
  await expect(op).toContainText("Report progress");
  await expect(op).toContainText("current_step");
  await expect(op.getByText("integer").first()).toBeVisible();
  await expect(page.locator('[id="rest/tag/workflows/POST/api/v1/workflows/{id}/complete"]')).toBeAttached();
  await expect(page.locator('[id="rest/tag/workflows/POST/api/v1/workflows/{id}/fail"]')).toBeAttached();
  await screenshot(page, "api-docs");
  for (const c of contexts) await c.close();
});

test("the built-in vibecode agent's workflow shows its thoughts, tool calls and result", async ({ browser }) => {
  test.setTimeout(120_000);
  const fake = await new FakeOpenAI().start();
  const srv = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model" } });
  try {
    const owner = await srv.createUser("Ada Agentwatcher");
    const project = await srv.createProject(owner, { name: "Agent demo", description: "Watching an agent think." });
    const session = await srv.request("POST", `/api/v1/projects/${project.id}/sessions`, { token: owner.token });
    expect(session.status).toBe(201);
    const ctx = await signInContext(browser, srv.url, owner);
    const page = await ctx.newPage();
    await page.goto(`/projects/${project.id}/workflows`);
    await expect(page.getByTestId("workflows-empty")).toBeVisible();
    await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "connected");

    const posted = await srv.request("POST", `/api/v1/sessions/${session.body.session_id}/messages`, { token: owner.token, body: { prompt: "Add a line to the README [[slow]]" } });
    expect(posted.status).toBe(202);
    // The workflow appears in the list live; open it while the agent works.
    const row = page.getByTestId("workflow-row");
    await expect(row).toHaveCount(1);
    await row.getByRole("link").click();
    await expect(page.getByTestId("workflow-view")).toBeVisible();
    await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
    const events = page.getByTestId("agent-event");
    await expect(page.locator('[data-testid="agent-event"][data-type="agent:thought"]').first()).toBeVisible();
    expect(await events.count()).toBeGreaterThanOrEqual(4);
    await expect(page.locator('[data-testid="agent-event"][data-type="agent:tool_call"]')).toHaveCount(2);
    await expect(page.locator('[data-testid="agent-event"][data-type="agent:result"]')).toHaveCount(1);
    await expect(page.locator('[data-testid="agent-event"][data-type="agent:result"]')).toContainText("README.md");
    const call = page.locator('[data-testid="agent-event"][data-type="agent:tool_call"]').first();
    await expect(call.getByTestId("tool-name")).toHaveText("llm.chat");
    await call.getByTestId("tool-arguments-toggle").click();
    await expect(call).toContainText("fake-model");
    await expect(page.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", "100");
    await screenshot(page, "workflow-agent");
    await ctx.close();
  } finally {
    await srv.stop();
    await fake.stop();
  }
});
