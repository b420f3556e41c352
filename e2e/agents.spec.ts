// An external agent in real browsers: the test plays the agent (a socket.io-client with an agent token);
// two people watch the project page and the workflow view while it connects, reports thoughts, tool calls,
// progress and a result, and drops off. Secrets it leaks in a thought are masked before anyone sees them.
import type { BrowserContext, Page } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import { test, expect, openAs, screenshot } from "./fixtures";

function connectAgent(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (e) => reject(e));
  });
}

test("an agent connects, appears online and streams its thoughts and tool calls to two watchers", async ({ server, browser }) => {
  test.setTimeout(120_000);
  const contexts: BrowserContext[] = [];
  const owner = await server.createUser("Olivia Owner");
  const member = await server.createUser("Max Member");
  const project = (await server.request(owner, "POST", "/api/v1/projects", { name: "Search service" })).body;
  expect((await server.request(owner, "POST", `/api/v1/projects/${project.id}/members`, { email: member.email, role: "member" })).status).toBe(201);

  // An agent token for this project registers the agent.
  const minted = await server.request(owner, "POST", "/api/v1/tokens", { name: "Refactor bot", kind: "agent", project_ids: [project.id] });
  expect(minted.status, JSON.stringify(minted.body)).toBe(201);
  const agentId: string = minted.body.agent_id;
  const agentToken: string = minted.body.token;

  const pages = [
    await openAs(server, browser, owner, `/projects/${project.id}`, contexts),
    await openAs(server, browser, member, `/projects/${project.id}`, contexts),
  ];
  const row = (page: Page) => page.locator(`[data-testid="agent-row"][data-agent-id="${agentId}"]`);
  for (const page of pages) await expect(row(page)).toHaveAttribute("data-status", "offline");

  // It connects: both see it online without a reload.
  const agent = await connectAgent(server.url, agentToken);
  try {
    for (const page of pages) await expect(row(page)).toHaveAttribute("data-status", "online");
    await screenshot(pages[1]!, "agent-online");

    // It starts a workflow over REST with its own token; both follow it from the project page's card.
    const auth = { authorization: `Bearer ${agentToken}`, "content-type": "application/json" };
    const post = async (p: string, body: unknown) => {
      const r = await fetch(`${server.url}${p}`, { method: "POST", headers: auth, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const wf = await post(`/api/v1/projects/${project.id}/workflows`, { name: "Split the indexer", total_steps: 2 });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const workflowId: string = wf.body.id;
    for (const page of pages) {
      const item = page.getByTestId("workflow-card-item").filter({ hasText: "Split the indexer" });
      await expect(item).toBeVisible();
      await item.getByRole("link").first().click();
      await expect(page).toHaveURL(new RegExp(`/workflows/${workflowId}$`));
      await expect(page.getByTestId("workflow-view")).toBeVisible();
      await expect(page.getByTestId("agent-events-empty")).toBeVisible();
    }

    // Thoughts and tool calls over the socket; a spoofed timestamp/source is ignored; a leaked key is masked.
    const send = (type: string, data: Record<string, unknown>) => agent.emitWithAck("agent:event", { type, workflow_id: workflowId, data, timestamp: "1999-01-01T00:00:00Z", source: "spoof" });
    const acks = [
      await send("agent:thought", { content: "The indexer mixes parsing and storage; I will split it." }),
      await send("agent:tool_call", { tool_name: "read_file", status: "completed", message: "Read src/indexer.ts", arguments: { path: "src/indexer.ts" } }),
      await send("agent:thought", { content: "Using the key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789 to call the model." }),
    ];
    for (const ack of acks) expect(ack).toMatchObject({ status: "success" });
    for (const page of pages) {
      const events = page.getByTestId("agent-event");
      await expect(events).toHaveCount(3);
      await expect(events.nth(0)).toHaveAttribute("data-type", "agent:thought");
      await expect(events.nth(0)).toContainText("split it");
      await expect(events.nth(1)).toHaveAttribute("data-type", "agent:tool_call");
      await expect(events.nth(1).getByTestId("tool-name")).toHaveText("read_file");
      await expect(events.nth(2)).not.toContainText("abcdefghijklmnopqrstuvwxyz0123456789");
      await expect(events.nth(2)).toContainText("Using the key");
    }

    // Progress, then the result over REST; both pages follow.
    expect((await post(`/api/v1/workflows/${workflowId}/progress`, { progress: 50, current_step: 1, step_name: "Extract the parser", logs: ["moved 3 functions"] })).status).toBe(200);
    expect((await post(`/api/v1/workflows/${workflowId}/events`, { type: "agent:result", data: { status: "success", content_type: "text/markdown", content: "Indexer split into parser and store." } })).status).toBe(202);
    for (const page of pages) {
      await expect(page.getByTestId("workflow-progress")).toHaveAttribute("data-percentage", "50");
      await expect(page.getByTestId("workflow-step").last()).toContainText("Extract the parser");
      await expect(page.getByTestId("agent-event")).toHaveCount(4);
      await expect(page.getByTestId("agent-event").last()).toHaveAttribute("data-type", "agent:result");
      await expect(page.getByTestId("agent-event").last()).toContainText("Indexer split");
    }
    await screenshot(pages[0]!, "agent-workflow");
    expect((await post(`/api/v1/workflows/${workflowId}/complete`, { result: { files: 2 } })).status).toBe(200);
    for (const page of pages) await expect(page.getByTestId("workflow-status")).toHaveAttribute("data-status", "completed");
  } finally {
    agent.disconnect();
  }

  // It drops off: the agents page shows it offline.
  const agentsPage = pages[1]!;
  await agentsPage.goto("/agents");
  await expect(row(agentsPage)).toHaveAttribute("data-status", "offline");
  await screenshot(agentsPage, "agents-page");
  for (const c of contexts) await c.close().catch(() => {});
});
