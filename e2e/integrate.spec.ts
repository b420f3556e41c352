// docs/INTEGRATING.md's five minutes, in real browsers: an agent token made on the API tokens page, then
// `tsx examples/agent.ts` (a real child process on @switchboard/client) with that token; two people's tabs watch
// the agent's workflow appear and stream its thoughts and tool calls live until it completes.
import { spawn } from "node:child_process";
import path from "node:path";
import type { BrowserContext } from "@playwright/test";
import { test, expect, openAs, screenshot } from "./fixtures";
import { ROOT } from "../test/support/server";

test("an agent token from the UI and examples/agent.ts: two tabs watch its workflow live", async ({ server, browser }) => {
  test.setTimeout(180_000);
  const contexts: BrowserContext[] = [];
  const owner = await server.createUser("Ines Integrator");
  const viewer = await server.createUser("Walt Watcher");
  const project = (await server.request(owner, "POST", "/api/v1/projects", { name: "Integration demo" })).body;
  expect((await server.request(owner, "POST", `/api/v1/projects/${project.id}/members`, { email: viewer.email, role: "viewer" })).status).toBe(201);

  // The token, as the doc says: API tokens → name, kind Agent, the project ticked → Create; shown once.
  const tokens = await openAs(server, browser, owner, "/settings/tokens", contexts);
  await tokens.getByTestId("token-name").fill("My first agent");
  await tokens.getByTestId("token-kind").selectOption("agent");
  await tokens.locator(`[data-testid="token-project"][value="${project.id}"]`).check();
  await tokens.getByTestId("create-token").click();
  const token = (await tokens.getByTestId("token-secret").textContent())!.trim();
  expect(token).toMatch(/^sb_agt_/);

  const pages = [
    await openAs(server, browser, owner, `/projects/${project.id}/workflows`, contexts),
    await openAs(server, browser, viewer, `/projects/${project.id}/workflows`, contexts),
  ];
  for (const page of pages) await expect(page.getByTestId("workflows-empty")).toBeVisible();

  const out: string[] = [];
  const agent = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["examples/agent.ts"], {
    cwd: ROOT,
    env: { ...process.env, SWITCHBOARD_URL: server.url, SWITCHBOARD_TOKEN: token, PROJECT_ID: project.id, AGENT_STEPS: "3", AGENT_STEP_MS: "4000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  agent.stdout.on("data", (c: Buffer) => out.push(c.toString()));
  agent.stderr.on("data", (c: Buffer) => out.push(c.toString()));
  const exited = new Promise<number | null>((r) => agent.once("exit", r));
  try {
    // The agent comes online (registered under the token's name, in the project).
    await expect
      .poll(async () => (await server.request(owner, "GET", `/api/v1/projects/${project.id}/agents`)).body.agents.map((a: { name: string; status: string }) => `${a.name}: ${a.status}`), { timeout: 60_000 })
      .toEqual([expect.stringMatching(/^My first agent: (online|busy)$/)]);
    // Both tabs see the workflow appear, open it while the agent works, and watch it stream.
    for (const page of pages) {
      const row = page.getByTestId("workflow-row");
      await expect(row, out.join("")).toHaveCount(1, { timeout: 60_000 });
      await row.getByRole("link").click();
      await expect(page.getByTestId("workflow-view")).toBeVisible();
    }
    for (const page of pages) {
      await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "running");
      await expect(page.locator('[data-testid="agent-event"][data-type="agent:thought"]').first()).toBeVisible();
    }
    await screenshot(pages[1]!, "integrate-agent-running");
    for (const page of pages) {
      await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
      await expect(page.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", "100");
      await expect(page.locator('[data-testid="agent-event"][data-type="agent:thought"]')).toHaveCount(3);
      await expect(page.locator('[data-testid="agent-event"][data-type="agent:tool_call"]')).toHaveCount(3);
      await expect(page.locator('[data-testid="agent-event"][data-type="agent:result"]')).toContainText("nothing to fix");
    }
    await screenshot(pages[0]!, "integrate-agent-completed");
    expect(await exited, out.join("")).toBe(0);
    expect(out.join("")).not.toContain(token);
  } finally {
    agent.kill("SIGKILL");
    for (const c of contexts) await c.close().catch(() => {});
  }
});
