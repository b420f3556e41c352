// Model budgets (issue #13 item 6) on a real server with the fake OpenAI server: owners set
// monthly_token_budget; a prompt or review that would start past it is 429 BUDGET_EXCEEDED before any model
// call (the fake server sees no request); concurrent prompts do not all slip past it; usage per day and per
// project; the attacks on the budget field.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { listenFor, startServer, type TestServer, type TestUser } from "../support/server";
import { FakeOpenAI } from "../support/fake-openai";

let fake: FakeOpenAI;
let s: TestServer;
let admin: TestUser;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  fake = await new FakeOpenAI().start();
  s = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", LLM_TIMEOUT_MS: "5000" } });
  admin = await s.createUser("Admin"); // the first user is the admin
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
}, 120_000);
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});
afterEach(() => s.closeSockets());

function expectError(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
  expect(typeof r.body.error.message).toBe("string");
}

async function setup(name = "Budgeted") {
  const p = await s.createProject(owner, { name });
  await s.addMember(owner, p.id, member, "member");
  await s.addMember(owner, p.id, viewer, "viewer");
  const session = await s.request("POST", `/api/v1/projects/${p.id}/sessions`, { token: member.token });
  expect(session.status).toBe(201);
  const watcher = await s.connect({ auth: { token: viewer.token } });
  expect(await watcher.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "success" });
  return { pid: p.id as string, sid: session.body.session_id as string, watcher };
}

const setBudget = (pid: string, budget: unknown, user = owner, method = "PATCH") =>
  s.request(method, `/api/v1/projects/${pid}`, { token: user.token, body: { monthly_token_budget: budget } });
const prompt = (sid: string, text = "Add a line") => s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt: text } });
const usage = (pid: string, user = viewer) => s.request("GET", `/api/v1/projects/${pid}/usage`, { token: user.token });

/** Send a prompt and wait for its answer; returns the message id and the usage the model reported. */
async function answered(sid: string, watcher: Socket, text = "Add a line") {
  const answers = listenFor<any>(watcher, "vibecode_response");
  try {
    const r = await prompt(sid, text);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const done = await answers.wait((e) => e.data.message_id === r.body.message_id, 20_000);
    return { mid: r.body.message_id as string, tokens: done.data.token_usage.total_tokens as number };
  } finally {
    answers.stop();
  }
}

/** No request reaches the fake model for a while. */
async function expectNoModelCall(before: number) {
  await new Promise((r) => setTimeout(r, 600));
  expect(fake.requests.length).toBe(before);
}

describe("setting the budget", () => {
  it("owners set and clear it (PUT and PATCH); members, viewers, outsiders and agent tokens cannot", async () => {
    const { pid } = await setup();
    const ok = await setBudget(pid, 50_000);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.monthly_token_budget).toBe(50_000);
    expect((await s.request("GET", `/api/v1/projects/${pid}`, { token: viewer.token })).body.monthly_token_budget).toBe(50_000);
    expect((await setBudget(pid, 70_000, owner, "PUT")).body.monthly_token_budget).toBe(70_000);
    expectError(await setBudget(pid, 1, member), 403, "FORBIDDEN");
    expectError(await setBudget(pid, 1, viewer), 403, "FORBIDDEN");
    expectError(await setBudget(pid, 1, outsider), 404, "NOT_FOUND");
    const agent = await s.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "bot", kind: "agent", project_ids: [pid] } });
    expectError(await s.request("PATCH", `/api/v1/projects/${pid}`, { token: agent.body.token, body: { monthly_token_budget: 1 } }), 403, "FORBIDDEN");
    expect((await usage(pid)).body.monthly_token_budget).toBe(70_000);
    const cleared = await setBudget(pid, null);
    expect(cleared.body.monthly_token_budget).toBeNull();
    expect((await usage(pid)).body).toMatchObject({ monthly_token_budget: null, remaining: null });
  }, 60_000);

  it("refuses negative, fractional, huge, non-numeric budgets with field details", async () => {
    const { pid } = await setup();
    for (const bad of [-1, -1e12, 1.5, 1e13, Number.MAX_SAFE_INTEGER, "1000", true, [], {}, "1e3"]) {
      const r = await setBudget(pid, bad);
      expectError(r, 400, "VALIDATION_FAILED");
      expect(r.body.error.details.some((d: any) => d.field === "monthly_token_budget"), JSON.stringify(r.body)).toBe(true);
    }
    // JSON cannot carry NaN or Infinity; a number too long for a double still arrives as one and is refused.
    expectError(await s.request("PATCH", `/api/v1/projects/${pid}`, { token: owner.token, body: '{"monthly_token_budget": 1e400}' }), 400, "VALIDATION_FAILED");
    expect((await setBudget(pid, 0)).body.monthly_token_budget).toBe(0);
    expect((await setBudget(pid, 1_000_000_000_000)).body.monthly_token_budget).toBe(1_000_000_000_000);
  });
});

describe("enforcing it", () => {
  it("counts what the model reported; past the budget a prompt and a review are 429 BUDGET_EXCEEDED before any model call", async () => {
    const { pid, sid, watcher } = await setup();
    const first = await answered(sid, watcher);
    const u = await usage(pid);
    expect(u.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(u.body).toMatchObject({ month: today.slice(0, 7), total_tokens: first.tokens, messages: 1, reviews: 0, in_flight: 0, monthly_token_budget: null, remaining: null });
    expect(u.body.days.at(-1)).toEqual({ date: today, total_tokens: first.tokens });
    expect(u.body.days).toHaveLength(Number(today.slice(8, 10)));
    expect(u.body.days[0].date).toBe(`${today.slice(0, 7)}-01`);

    // Exactly spent: refused, with the contract's error shape, before the model is asked.
    expect((await setBudget(pid, first.tokens)).status).toBe(200);
    const before = fake.requests.length;
    const refused = await prompt(sid, "One more");
    expectError(refused, 429, "BUDGET_EXCEEDED");
    expect(refused.body.error.details).toMatchObject({ budget: first.tokens, used: first.tokens, in_flight: 0 });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.body.error.message).toContain("monthly_token_budget");
    const review = await s.request("POST", `/api/v1/sessions/${sid}/messages/${first.mid}/review`, { token: member.token });
    expectError(review, 429, "BUDGET_EXCEEDED");
    await expectNoModelCall(before);
    // Nothing was left behind: no pending message, no running review.
    const session = await s.request("GET", `/api/v1/sessions/${sid}`, { token: viewer.token });
    expect(session.body.messages).toHaveLength(1);
    expect((await usage(pid)).body).toMatchObject({ remaining: 0, in_flight: 0 });

    // One token left: the next call may start (nothing in flight), and its tokens count too.
    await setBudget(pid, first.tokens + 1);
    const second = await answered(sid, watcher, "Another line");
    expect(fake.requests.length).toBe(before + 1);
    expect((await usage(pid)).body).toMatchObject({ total_tokens: first.tokens + second.tokens, messages: 2, remaining: 0 });
    // A review counts as a model call and its usage is added.
    await setBudget(pid, null);
    const analyses = listenFor<any>(watcher, "ai.analysis_complete");
    const r = await s.request("POST", `/api/v1/sessions/${sid}/messages/${second.mid}/review`, { token: member.token });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const done = await analyses.wait((e) => e.data.review_id === r.body.review_id, 20_000);
    analyses.stop();
    expect(done.data.status).toBe("completed");
    const after = (await usage(pid)).body;
    expect(after.reviews).toBe(1);
    expect(after.total_tokens).toBe(first.tokens + second.tokens + done.data.token_usage.total_tokens);
    // A budget of 0 stops everything.
    await setBudget(pid, 0);
    expectError(await prompt(sid), 429, "BUDGET_EXCEEDED");
  }, 120_000);

  it("concurrent prompts on a nearly spent budget: exactly one starts, the rest are refused (checked under the project's row lock)", async () => {
    const { pid, watcher } = await setup("Race");
    await setBudget(pid, 1);
    const sessions = await Promise.all(
      Array.from({ length: 8 }, async () => (await s.request("POST", `/api/v1/projects/${pid}/sessions`, { token: member.token })).body.session_id as string),
    );
    const before = fake.requests.length;
    const responses = listenFor<any>(watcher, "vibecode_response");
    const answers = await Promise.all(sessions.map((sid) => prompt(sid, "Race")));
    const accepted = answers.filter((r) => r.status === 202);
    const refused = answers.filter((r) => r.status === 429);
    expect(accepted, JSON.stringify(answers.map((r) => r.status))).toHaveLength(1);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(r.body.error.code).toBe("BUDGET_EXCEEDED");
    // Some were refused while the first was still in flight (reserved), the rest after it used its tokens.
    await responses.wait((e) => e.data.message_id === accepted[0]!.body.message_id, 20_000);
    responses.stop();
    await expectNoModelCall(before + 1);
  }, 90_000);

  it("usage is readable by viewers, hidden from outsiders; admins see every project's usage, others may not", async () => {
    const { pid, sid, watcher } = await setup("Metered");
    const { tokens } = await answered(sid, watcher);
    expect((await usage(pid, viewer)).status).toBe(200);
    expectError(await usage(pid, outsider), 404, "NOT_FOUND");
    expectError(await s.request("GET", "/api/v1/projects/not-a-uuid/usage", { token: viewer.token }), 404, "NOT_FOUND");
    const all = await s.request("GET", "/api/v1/admin/usage", { token: admin.token });
    expect(all.status).toBe(200);
    const row = all.body.projects.find((p: any) => p.project_id === pid);
    expect(row).toEqual({ project_id: pid, name: "Metered", total_tokens: tokens, calls: 1, monthly_token_budget: null });
    expect(all.body.total_tokens).toBeGreaterThanOrEqual(tokens);
    expect(all.body.truncated).toBe(false);
    const totals = all.body.projects.map((p: any) => p.total_tokens);
    expect([...totals].sort((a: number, b: number) => b - a)).toEqual(totals);
    expectError(await s.request("GET", "/api/v1/admin/usage", { token: owner.token }), 403, "FORBIDDEN");
    expectError(await s.request("GET", "/api/v1/admin/usage"), 401, "UNAUTHENTICATED");
  }, 90_000);
});
