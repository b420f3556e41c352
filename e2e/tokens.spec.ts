// Tokens and agent presence in a real browser: create an agent token in /settings/tokens (secret shown once),
// connect an agent with it (socket.io-client), watch the project page's agents card and /agents go online and
// offline live, then revoke the token from the UI and see the agent's socket disconnected.
import { io, type Socket } from "socket.io-client";
import { test, expect, screenshot } from "./fixtures";

test("agent token → live presence on the project page and /agents → revoke from the UI", async ({ browser, server }) => {
  const owner = await server.createUser("Tess Token");
  const project = (await server.request(owner, "POST", "/api/v1/projects", { name: "Presence demo" })).body;
  const ctx = await server.newContext(browser, owner);
  const page = await ctx.newPage();

  await page.goto("/settings/tokens");
  await expect(page.getByTestId("tokens-empty")).toBeVisible();
  await page.getByTestId("token-name").fill("Review bot");
  await page.getByTestId("token-kind").selectOption("agent");
  await page.getByTestId("token-project").check();
  await page.getByTestId("create-token").click();
  const secretEl = page.getByTestId("token-secret");
  await expect(secretEl).toHaveText(/^sb_agt_/);
  const secret = (await secretEl.textContent())!.trim();
  await screenshot(page, "tokens-secret");
  await page.getByTestId("token-secret-done").click();
  await expect(page.getByTestId("token-secret-dialog")).toBeHidden();
  const row = page.getByTestId("token-row").filter({ hasText: "Review bot" });
  await expect(row).toHaveAttribute("data-state", "active");
  await expect(page.getByTestId("tokens-table")).not.toContainText(secret); // never shown again

  // the project page's agents card lists the agent, offline
  await page.goto(`/projects/${project.id}`);
  const card = page.getByTestId("agents-online");
  const agentRow = card.getByTestId("agent-row").filter({ hasText: "Review bot" });
  await expect(agentRow).toHaveAttribute("data-status", "offline");
  await expect(agentRow).toContainText("never connected");

  // the agent connects with its token: online, live
  const agent: Socket = io(server.url, { auth: { token: secret }, transports: ["websocket"], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    agent.once("connect", () => resolve());
    agent.once("connect_error", reject);
  });
  await expect(agentRow).toHaveAttribute("data-status", "online");
  await expect(agentRow).toContainText("1 connection");
  await screenshot(page, "project-agents-online");

  // busy, reported by the agent
  expect(await agent.emitWithAck("agent:status", { status: "busy", availability: 30 })).toMatchObject({ status: "success" });
  await expect(agentRow).toHaveAttribute("data-status", "busy");

  // /agents shows the same, live
  const agentsPage = await ctx.newPage();
  await agentsPage.goto("/agents");
  const listed = agentsPage.getByTestId("agent-row").filter({ hasText: "Review bot" });
  await expect(listed).toHaveAttribute("data-status", "busy");

  // revoke from the UI: the agent is disconnected, both pages say offline
  const kicked = new Promise<any>((resolve) => agent.once("auth_error", resolve));
  await page.goto("/settings/tokens");
  await page.getByTestId("token-row").filter({ hasText: "Review bot" }).getByTestId("revoke-token").click();
  await expect(page.getByTestId("revoke-dialog")).toBeVisible();
  await page.getByTestId("confirm-revoke").click();
  await expect(page.getByTestId("token-row").filter({ hasText: "Review bot" })).toHaveAttribute("data-state", "revoked");
  expect((await kicked).data.code).toBe("AUTH_FAILED");
  await expect(listed).toHaveAttribute("data-status", "offline");
  await expect(listed).toContainText("last seen");
  await screenshot(agentsPage, "agents-offline");
  agent.close();
});
