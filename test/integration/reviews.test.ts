// AI reviews of vibecode patches and pull requests against a real server and the fake model server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import type { Socket } from "socket.io-client";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";
import { FakeOpenAI } from "../support/fake-openai";
import { deliver, example, projectSecret, signed } from "../support/github";

let fake: FakeOpenAI;
let s: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  fake = await new FakeOpenAI().start();
  s = await startServer({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", LLM_TIMEOUT_MS: "5000" } });
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
});
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});
afterEach(() => s.closeSockets());

async function setup(body: Record<string, unknown> = {}) {
  const p = await s.createProject(owner, body);
  await s.addMember(owner, p.id, member, "member");
  await s.addMember(owner, p.id, viewer, "viewer");
  return p;
}

async function watch(user: TestUser, projectId: string): Promise<Socket> {
  const c = await s.connect({ auth: { token: user.token } });
  expect(await c.emitWithAck("subscribe", { project_id: projectId })).toMatchObject({ status: "success" });
  return c;
}

/** A vibecode message with a patch (the fake model's README change). */
async function patchMessage(projectId: string, prompt = "add a line") {
  const c = await watch(member, projectId);
  const session = await s.request("POST", `/api/v1/projects/${projectId}/sessions`, { token: member.token });
  const sid = session.body.session_id as string;
  const r = await s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt } });
  expect(r.status).toBe(202);
  const resp = await nextEvent(c, "vibecode_response", (e: any) => e.data.message_id === r.body.message_id, 20_000);
  expect(resp.data.patch).toEqual(expect.any(String));
  c.disconnect();
  return { sid, mid: r.body.message_id as string, patch: resp.data.patch as string };
}

async function prFor(projectId: string, full: string, patch: (x: any) => void = () => {}) {
  const c = await watch(owner, projectId);
  const got = nextEvent(c, "pr.created");
  const secret = await projectSecret(s.url, owner.token, projectId);
  const r = await deliver(s.url, await signed(secret, "pull_request", example("pull_request", "opened", full, patch)), projectId);
  expect(r.body).toEqual({ accepted: true, projects: 1 });
  const env = await got;
  c.disconnect();
  return env.data as { pr_id: string; number: number };
}

describe("reviewing a vibecode patch", () => {
  it("publishes suggestions (one on the added line) and analysis_complete with the exact usage and the trace id; stored", async () => {
    const p = await setup();
    const { sid, mid } = await patchMessage(p.id);
    const c = await watch(viewer, p.id);
    const log = record(c);
    const done = nextEvent(c, "ai.analysis_complete", () => true, 20_000);
    const before = fake.requests.length;
    const r = await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/review`, { token: member.token });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ review_id: expect.any(String), trace_id: expect.any(String), status: "running" });
    const complete = await done;
    const req = fake.requests[before]!;
    expect(fake.requests.length).toBe(before + 1);
    expect(req.body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "code_review" } });
    expect(req.body.stream_options).toEqual({ include_usage: true });
    expect(complete.trace_id).toBe(r.body.trace_id);
    expect(complete.data).toEqual({
      review_id: r.body.review_id,
      target_type: "code",
      target_id: mid,
      session_id: sid,
      status: "completed",
      summary: expect.stringContaining("README.md"),
      suggestion_count: 2,
      model: "fake-model",
      token_usage: req.usage,
    });
    const suggestions = log.filter((e) => e.name === "ai.suggestion").map((e) => e.payload);
    expect(suggestions).toHaveLength(2);
    for (const sg of suggestions) {
      expect(sg.trace_id).toBe(r.body.trace_id);
      expect(sg.source).toBe("ai_review_service");
      expect(sg.data).toMatchObject({ review_id: r.body.review_id, target_type: "code", target_id: mid, session_id: sid, suggestion_id: expect.any(String) });
    }
    expect(suggestions[0].data).toMatchObject({
      category: "maintainability",
      severity: "warning",
      confidence: 0.82,
      metadata: { file_path: "README.md", line_number: expect.any(Number) },
    });
    // the line is the first added line of the patch (in the new file)
    const expected = FakeOpenAI.reviewFor(req.body.messages.at(-1).content);
    expect(suggestions[0].data.metadata.line_number).toBe(JSON.parse(expected).suggestions[0].line_number);
    expect(suggestions[1].data.metadata.line_number).toBeNull();
    const ids = log.map((e) => e.payload?.id).filter(Boolean).map(BigInt);
    expect(log.findIndex((e) => e.name === "ai.analysis_complete")).toBeGreaterThan(log.findIndex((e) => e.name === "ai.suggestion"));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);

    const stored = await s.request("GET", `/api/v1/reviews/${r.body.review_id}`, { token: viewer.token });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      id: r.body.review_id,
      project_id: p.id,
      target_type: "code",
      target_id: mid,
      status: "completed",
      model: "fake-model",
      token_usage: req.usage,
      trace_id: r.body.trace_id,
      error: null,
    });
    expect(stored.body.suggestions.map((x: any) => x.suggestion_id)).toEqual(suggestions.map((x) => x.data.suggestion_id));
    const list = await s.request("GET", `/api/v1/sessions/${sid}/messages/${mid}/reviews`, { token: viewer.token });
    expect(list.body.reviews.map((x: any) => x.id)).toEqual([r.body.review_id]);
  });

  it("a garbage or wrongly shaped answer ends the review failed with a clear error; the server keeps working", async () => {
    const p = await setup();
    for (const [prompt, error] of [
      ["please garbage-review this", /not JSON/],
      ["please badshape-review this", /not a valid review/],
    ] as const) {
      const { sid, mid } = await patchMessage(p.id, prompt);
      const c = await watch(member, p.id);
      const log = record(c);
      const done = nextEvent(c, "ai.analysis_complete", () => true, 20_000);
      const before = fake.requests.length;
      const r = await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/review`, { token: member.token });
      expect(r.status).toBe(202);
      const complete = await done;
      expect(complete.trace_id).toBe(r.body.trace_id);
      expect(complete.data).toMatchObject({ status: "failed", suggestion_count: 0, error: expect.stringMatching(error), token_usage: fake.requests[before]!.usage });
      expect(log.filter((e) => e.name === "ai.suggestion")).toEqual([]);
      const stored = await s.request("GET", `/api/v1/reviews/${r.body.review_id}`, { token: member.token });
      expect(stored.body).toMatchObject({ status: "failed", error: expect.stringMatching(error), suggestions: [] });
      c.disconnect();
    }
    expect(s.alive).toBe(true);
  });

  it("viewers and outsiders are refused; unknown ids are 404; a message without a patch is 409", async () => {
    const p = await setup();
    const { sid, mid } = await patchMessage(p.id);
    const v = await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/review`, { token: viewer.token });
    expect(v.status).toBe(403);
    expect(v.body.error.code).toBe("FORBIDDEN");
    expect((await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/review`, { token: outsider.token })).status).toBe(404);
    expect((await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/review`)).status).toBe(401);
    expect((await s.request("POST", `/api/v1/sessions/${sid}/messages/${randomUUID()}/review`, { token: member.token })).status).toBe(404);
    expect((await s.request("POST", `/api/v1/sessions/${randomUUID()}/messages/${mid}/review`, { token: member.token })).status).toBe(404);
    expect((await s.request("POST", `/api/v1/sessions/x/messages/y/review`, { token: member.token })).status).toBe(404);
    expect((await s.request("POST", `/api/v1/pull-requests/${randomUUID()}/review`, { token: member.token })).status).toBe(404);
    expect((await s.request("POST", `/api/v1/pull-requests/nope/review`, { token: member.token })).status).toBe(404);
    expect((await s.request("GET", `/api/v1/reviews/${randomUUID()}`, { token: member.token })).status).toBe(404);
    expect((await s.request("GET", `/api/v1/reviews/nope`, { token: member.token })).status).toBe(404);
    const noPatch = await patchMessageWithout(p.id);
    const r = await s.request("POST", `/api/v1/sessions/${noPatch.sid}/messages/${noPatch.mid}/review`, { token: member.token });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("NO_PATCH");
  });
});

async function patchMessageWithout(projectId: string) {
  const c = await watch(member, projectId);
  const session = await s.request("POST", `/api/v1/projects/${projectId}/sessions`, { token: member.token });
  const sid = session.body.session_id as string;
  const r = await s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt: "just a question [[nodiff]]" } });
  await nextEvent(c, "vibecode_response", (e: any) => e.data.message_id === r.body.message_id, 20_000);
  c.disconnect();
  return { sid, mid: r.body.message_id as string };
}

describe("reviewing a pull request", () => {
  it("without the head commit in the workspace: the title and description are reviewed; suggestions and analysis_complete", async () => {
    const full = `octo-${randomBytes(3).toString("hex")}/app`;
    const p = await setup({ repository_url: `https://github.com/${full}` });
    const pr = await prFor(p.id, full);
    const c = await watch(viewer, p.id);
    const log = record(c);
    const done = nextEvent(c, "ai.analysis_complete", () => true, 20_000);
    const before = fake.requests.length;
    const r = await s.request("POST", `/api/v1/pull-requests/${pr.pr_id}/review`, { token: member.token });
    expect(r.status).toBe(202);
    const complete = await done;
    const req = fake.requests[before]!;
    expect(req.body.messages.at(-1).content).toContain("diff is not available");
    expect(complete.trace_id).toBe(r.body.trace_id);
    expect(complete.data).toMatchObject({ target_type: "pr", target_id: pr.pr_id, session_id: null, status: "completed", suggestion_count: 1, token_usage: req.usage });
    const sg = log.filter((e) => e.name === "ai.suggestion");
    expect(sg).toHaveLength(1);
    expect(sg[0]!.payload.data).toMatchObject({ target_type: "pr", target_id: pr.pr_id, metadata: { file_path: null, line_number: null } });
    const list = await s.request("GET", `/api/v1/pull-requests/${pr.pr_id}/reviews`, { token: viewer.token });
    expect(list.body.reviews).toEqual([expect.objectContaining({ id: r.body.review_id, status: "completed", suggestions: [expect.objectContaining({ suggestion_id: sg[0]!.payload.data.suggestion_id })] })]);
    expect((await s.request("POST", `/api/v1/pull-requests/${pr.pr_id}/review`, { token: viewer.token })).status).toBe(403);
    expect((await s.request("GET", `/api/v1/pull-requests/${pr.pr_id}/reviews`, { token: outsider.token })).status).toBe(404);
  });

  it("with the head commit in the workspace: the diff is reviewed (a suggestion on its line); a garbage answer fails", async () => {
    const p = await setup();
    const { sid, mid } = await patchMessage(p.id);
    const applied = await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/apply`, { token: member.token });
    expect(applied.status).toBe(200);
    const sha = applied.body.commit_sha as string;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const full = `octo-${randomBytes(3).toString("hex")}/app`;
    expect((await s.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { repository_url: `git@github.com:${full}.git` } })).status).toBe(200);
    const pr = await prFor(p.id, full, (x) => {
      x.pull_request.head.sha = sha;
      x.pull_request.base.ref = "main";
    });
    const c = await watch(member, p.id);
    const log = record(c);
    const done = nextEvent(c, "ai.analysis_complete", () => true, 20_000);
    const before = fake.requests.length;
    const r = await s.request("POST", `/api/v1/pull-requests/${pr.pr_id}/review`, { token: member.token });
    expect(r.status).toBe(202);
    expect((await done).data).toMatchObject({ status: "completed", suggestion_count: 2 });
    expect(fake.requests[before]!.body.messages.at(-1).content).toContain("+++ b/README.md");
    expect(log.find((e) => e.name === "ai.suggestion")!.payload.data.metadata).toEqual({ file_path: "README.md", line_number: expect.any(Number) });

    const bad = await prFor(p.id, full, (x) => {
      x.pull_request.number = 4242;
      x.pull_request.title = "Broken [[garbage]]";
    });
    const failed = nextEvent(c, "ai.analysis_complete", (e: any) => e.data.target_id === bad.pr_id, 20_000);
    const r2 = await s.request("POST", `/api/v1/pull-requests/${bad.pr_id}/review`, { token: member.token });
    expect(r2.status).toBe(202);
    expect((await failed).data).toMatchObject({ status: "failed", error: expect.stringContaining("not JSON") });
  });
});

describe("without a model", () => {
  it("answers 503 LLM_NOT_CONFIGURED", async () => {
    const other = await startServer();
    try {
      const o = await other.createUser("Owner");
      const full = `octo-${randomBytes(3).toString("hex")}/app`;
      const p = await other.createProject(o, { repository_url: `https://github.com/${full}` });
      const d = await deliver(other.url, await signed(await projectSecret(other.url, o.token, p.id), "pull_request", example("pull_request", "opened", full)), p.id);
      expect(d.body).toEqual({ accepted: true, projects: 1 });
      const prs = await other.request("GET", `/api/v1/projects/${p.id}/pull-requests`, { token: o.token });
      const r = await other.request("POST", `/api/v1/pull-requests/${prs.body.pull_requests[0].pr_id}/review`, { token: o.token });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe("LLM_NOT_CONFIGURED");
    } finally {
      await other.stop();
    }
  }, 180_000);
});
