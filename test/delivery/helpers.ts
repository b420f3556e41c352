// Shared by the delivery conformance tests (test/delivery/*.test.ts): agents with tokens, workflows, waiting.
import { expect } from "vitest";
import type { TestServer, TestUser } from "../support/server";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** An agent of `user` in the given projects, with an agent token. */
export async function agentWithToken(s: TestServer, user: TestUser, projectIds: string[], name = "Bot") {
  const a = await s.request("POST", "/api/v1/agents", { token: user.token, body: { name, kind: "reviewer", project_ids: projectIds } });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  const t = await s.request("POST", "/api/v1/tokens", { token: user.token, body: { name: `${name} token`, kind: "agent", agent_id: a.body.id } });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  return { agent: a.body as { id: string }, token: t.body.token as string };
}

/** A workflow started over REST in the project. */
export async function startWorkflow(s: TestServer, user: TestUser, projectId: string, name = "work"): Promise<string> {
  const w = await s.request("POST", `/api/v1/projects/${projectId}/workflows`, { token: user.token, body: { name } });
  expect(w.status, JSON.stringify(w.body)).toBe(201);
  return w.body.id as string;
}

/** Every event of a room over REST (project rooms), following next_after. */
export async function projectEvents(s: TestServer, user: TestUser, projectId: string, after = "0") {
  const all: { id: string; type: string; data: any }[] = [];
  let cursor = after;
  for (;;) {
    const r = await s.request("GET", `/api/v1/projects/${projectId}/events?after=${cursor}&limit=1000`, { token: user.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    all.push(...r.body.events);
    if (r.body.events.length < 1000) return all;
    cursor = r.body.next_after;
  }
}
