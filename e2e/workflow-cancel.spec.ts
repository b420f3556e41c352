// The workflow page's Cancel button in real browsers: a member cancels an agent's running workflow; the
// member's and a viewer's pages and the project page's card follow live, the agent hears workflow.cancelled in
// its own room, and viewers never get the button. Also: "Agent offline" shows live when the agent disconnects.
import type { BrowserContext } from "@playwright/test";
import { io } from "socket.io-client";
import { test, expect, openAs, screenshot } from "./fixtures";

test("a member cancels a running workflow; everyone watching sees it cancelled and the agent is told", async ({ server, browser }) => {
  test.setTimeout(300_000);
  const contexts: BrowserContext[] = [];
  const owner = await server.createUser("Olivia Owner");
  const member = await server.createUser("Mia Member");
  const viewer = await server.createUser("Victor Viewer");
  const project = (await server.request(owner, "POST", "/api/v1/projects", { name: "Release train" })).body;
  for (const [u, role] of [[member, "member"], [viewer, "viewer"]] as const) {
    expect((await server.request(owner, "POST", `/api/v1/projects/${project.id}/members`, { email: u.email, role })).status).toBe(201);
  }
  // An agent of the owner's, connected, listening in its own room.
  const tok = await server.request(owner, "POST", "/api/v1/tokens", { name: "Deploy bot", kind: "agent", project_ids: [project.id] });
  expect(tok.status).toBe(201);
  const agent = io(server.url, { transports: ["websocket"], auth: { token: tok.body.token }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    agent.once("connect", () => resolve());
    agent.once("connect_error", reject);
  });
  try {
    expect(await agent.emitWithAck("subscribe", { room: `agent:${tok.body.agent_id}` })).toMatchObject({ status: "success" });
    const told = new Promise<any>((resolve) => agent.on("workflow.cancelled", resolve));
    const created = await server.request({ ...owner, token: tok.body.token }, "POST", `/api/v1/projects/${project.id}/workflows`, { name: "Roll out 2.0", total_steps: 4 });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect((await server.request({ ...owner, token: tok.body.token }, "POST", `/api/v1/workflows/${id}/progress`, { progress: 25, current_step: 1, step_name: "Build" })).status).toBe(200);

    const memberPage = await openAs(server, browser, member, `/projects/${project.id}/workflows/${id}`, contexts);
    const viewerPage = await openAs(server, browser, viewer, `/projects/${project.id}/workflows/${id}`, contexts);
    const projectPage = await openAs(server, browser, viewer, `/projects/${project.id}`, contexts);
    for (const page of [memberPage, viewerPage]) await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "running");
    const card = projectPage.getByTestId("workflow-card-item").filter({ hasText: "Roll out 2.0" });
    await expect(card.getByTestId("workflow-card-status")).toHaveAttribute("data-status", "running");
    // Viewers may watch but not cancel.
    await expect(viewerPage.getByTestId("cancel-workflow-button")).toHaveCount(0);

    // The member asks, thinks better of it, then cancels.
    const button = memberPage.getByTestId("cancel-workflow-button");
    await expect(button).toBeVisible();
    await button.click();
    const dialog = memberPage.getByTestId("cancel-workflow-dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("its agent is told to stop");
    await screenshot(memberPage, "workflow-cancel-dialog");
    await dialog.getByRole("button", { name: "Keep running" }).click();
    await expect(dialog).toBeHidden();
    await expect(memberPage.getByTestId("workflow-status")).toHaveAttribute("data-status", "running");
    await button.click();
    await memberPage.getByTestId("confirm-cancel-workflow").click();

    for (const page of [memberPage, viewerPage]) {
      await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "cancelled");
      await expect(page.getByTestId("workflow-cancelled")).toHaveText("Cancelled by Mia Member");
      await expect(page.getByTestId("cancel-workflow-button")).toHaveCount(0);
      await expect(page.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", "25");
    }
    await expect(card.getByTestId("workflow-card-status")).toHaveAttribute("data-status", "cancelled");
    const env = await told;
    expect(env.room).toBe(`agent:${tok.body.agent_id}`);
    expect(env.data).toMatchObject({ workflow_id: id, status: "cancelled", cancelled_by: member.id, cancelled_by_name: "Mia Member" });
    await screenshot(viewerPage, "workflow-cancelled");

    // The agent's late report is refused and changes nothing on screen; a reload shows the stored state.
    expect((await server.request({ ...owner, token: tok.body.token }, "POST", `/api/v1/workflows/${id}/progress`, { progress: 50 })).status).toBe(409);
    await memberPage.reload();
    await expect(memberPage.getByTestId("workflow-status")).toHaveAttribute("data-status", "cancelled");
    await expect(memberPage.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", "25");
  } finally {
    agent.disconnect();
    for (const c of contexts) await c.close().catch(() => {});
  }
});

test("a workflow whose agent disconnects shows 'Agent offline' live, and the cancel of a workflow finished meanwhile says why", async ({ server, browser }) => {
  test.setTimeout(300_000);
  const contexts: BrowserContext[] = [];
  const owner = await server.createUser("Owen Owner");
  const project = (await server.request(owner, "POST", "/api/v1/projects", { name: "Night jobs" })).body;
  const tok = await server.request(owner, "POST", "/api/v1/tokens", { name: "Night bot", kind: "agent", project_ids: [project.id] });
  const agent = io(server.url, { transports: ["websocket"], auth: { token: tok.body.token }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    agent.once("connect", () => resolve());
    agent.once("connect_error", reject);
  });
  const asAgent = { ...owner, token: tok.body.token };
  const id: string = (await server.request(asAgent, "POST", `/api/v1/projects/${project.id}/workflows`, { name: "Reindex" })).body.id;
  try {
    const page = await openAs(server, browser, owner, `/projects/${project.id}/workflows/${id}`, contexts);
    await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "running");
    await expect(page.getByTestId("workflow-agent-offline")).toHaveCount(0);
    agent.disconnect();
    await expect(page.getByTestId("workflow-agent-offline")).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId("workflow-agent-offline-note")).toBeVisible();
    await screenshot(page, "workflow-agent-offline");

    // The dialog is open when the workflow completes elsewhere: the button and dialog go away with it.
    await page.getByTestId("cancel-workflow-button").click();
    await expect(page.getByTestId("cancel-workflow-dialog")).toBeVisible();
    expect((await server.request(owner, "POST", `/api/v1/workflows/${id}/complete`, {})).status).toBe(200);
    await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "completed");
    await expect(page.getByTestId("cancel-workflow-dialog")).toBeHidden();
    await expect(page.getByTestId("workflow-agent-offline")).toHaveCount(0);
    // Over REST, cancelling it now is a clear 409.
    const late = await server.request(owner, "POST", `/api/v1/workflows/${id}/cancel`, {});
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: "INVALID_TRANSITION", details: { status: "completed" } });
  } finally {
    agent.disconnect();
    for (const c of contexts) await c.close().catch(() => {});
  }
});
