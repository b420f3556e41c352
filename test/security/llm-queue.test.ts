// Issue #10, deliverable 10: queued model calls had no cap per project. A member could queue any number of
// prompts or AI reviews (each one a paid model call) and starve every other project behind LLM_CONCURRENCY.
// Against a real server and the fake model server holding its answers ([[hang]]): past LLM_QUEUE_PER_PROJECT
// the project gets 429 RATE_LIMITED with Retry-After; other projects are not affected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer, type TestUser } from "../support/server";
import { FakeOpenAI } from "../support/fake-openai";
import { deliver, example, projectSecret, signed } from "../support/github";

const CAP = 3;
let fake: FakeOpenAI;
let s: TestServer;
let owner: TestUser;

beforeAll(async () => {
  fake = await new FakeOpenAI().start();
  s = await startServer({
    env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", LLM_TIMEOUT_MS: "120000", LLM_CONCURRENCY: "1", LLM_QUEUE_PER_PROJECT: String(CAP) },
  });
  owner = await s.createUser("Owner");
});
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});

async function session(projectId: string) {
  const r = await s.request("POST", `/api/v1/projects/${projectId}/sessions`, { token: owner.token });
  expect(r.status).toBe(201);
  return r.body.session_id as string;
}

const prompt = (sid: string, text = "[[hang]] take your time") => s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: owner.token, body: { prompt: text } });

describe("queued model calls per project", () => {
  it(`answers 429 RATE_LIMITED with Retry-After past ${CAP} waiting calls; other projects still get theirs`, async () => {
    const p = await s.createProject(owner);
    const sids = [await session(p.id), await session(p.id)];
    const accepted = [];
    for (let i = 0; i < CAP; i++) accepted.push(await prompt(sids[i % 2]!));
    expect(accepted.map((r) => r.status)).toEqual(Array(CAP).fill(202));
    const refused = await prompt(sids[0]!);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "RATE_LIMITED", details: { queued: CAP, limit: CAP } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // a new session does not get around it, nor does an AI review of the same project
    expect((await prompt(await session(p.id))).status).toBe(429);
    const pr = example("pull_request", "opened", "octo/queue");
    expect((await deliver(s.url, await signed(await projectSecret(s.url, owner.token, p.id), "pull_request", pr), p.id)).status).toBe(202);
    const prs = await s.request("GET", `/api/v1/projects/${p.id}/pull-requests`, { token: owner.token });
    const review = await s.request("POST", `/api/v1/pull-requests/${prs.body.pull_requests[0].pr_id}/review`, { token: owner.token });
    expect(review.status).toBe(429);
    expect(review.body.error.code).toBe("RATE_LIMITED");
    const other = await s.createProject(owner);
    expect((await prompt(await session(other.id))).status).toBe(202);
  });
});
