// Every GET and POST route answers what the OpenAPI document (lib/openapi, built from lib/contract) declares:
// each real answer is parsed with the schema declared for its status, and must come back unchanged — a field
// the schema does not declare (stripped by the parse) fails as surely as a wrong type.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z, type ZodType } from "zod";
import { startServer, type TestServer, type TestUser } from "../support/server";
import path from "node:path";
import { FakeOpenAI } from "../support/fake-openai";
import { FakeGitHub } from "../support/fake-github";
import { makeRepo } from "../support/repos";
import { deliver, example, projectSecret, signed } from "../support/github";
import { openApiDocument } from "../../lib/openapi/document";
import { declaredResponses } from "../../lib/openapi/registry";
import { ZTestRunSchema } from "../../lib/contract";

const SECRET = "instance-webhook-secret-for-contract-test";
const TEXT_ROUTES = new Set(["get /api/metrics", "get /api/v1/test-runs/{id}/log", "get /api/v1/sessions/{id}/patch", "get /api/v1/sessions/{id}/messages/{messageId}/patch"]);

let fake: FakeOpenAI;
let gh: FakeGitHub;
let s: TestServer;
let admin: TestUser;
let owner: TestUser;
const seen = new Set<string>();

beforeAll(async () => {
  openApiDocument(); // registers every route
  fake = await new FakeOpenAI().start();
  gh = await new FakeGitHub().start();
  s = await startServer({
    env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", LLM_TIMEOUT_MS: "5000", GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: gh.url },
  });
  admin = await s.createUser("Admin");
  owner = await s.createUser("Owner");
}, 120_000);
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
  await gh?.stop();
});

/** The answer must parse with the declared schema and lose nothing in the parse. */
function conforms(schema: ZodType, body: unknown, where: string) {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues, `${where}: ${JSON.stringify(body).slice(0, 400)}`).toEqual([]);
  expect(parsed.data, `${where}: fields the schema does not declare`).toEqual(body);
}

/** Call a route (path template + concrete path) and check its answer against what it declares for that status. */
async function call(method: "GET" | "POST", template: string, concrete: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const key = `${method.toLowerCase()} ${template}`;
  const declared = declaredResponses.get(key);
  expect(declared, `${key} is not declared`).toBeDefined();
  const r = await s.request(method, concrete, opts);
  const where = `${method} ${template} → ${r.status}`;
  const schema = declared![r.status];
  if (r.status >= 400) {
    // Error answers: the contract's error shape (the common statuses are added by route()).
    conforms(z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }), r.body, where);
    throw new Error(`${where}: ${JSON.stringify(r.body)}`);
  }
  expect(Object.keys(declared!), `${where} is not a declared status`).toContain(String(r.status));
  if (schema && !TEXT_ROUTES.has(key)) conforms(schema, r.body, where);
  seen.add(key);
  return r;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("REST answers parse with their declared schemas", () => {
  it("every GET and POST route, exercised against a real server", async () => {
    const t = owner.token;
    // auth and system
    await call("GET", "/api/health", "/api/health");
    await call("GET", "/health", "/health");
    await call("GET", "/api/v1/me", "/api/v1/me", { token: t });
    await call("POST", "/api/v1/auth/register", "/api/v1/auth/register", { body: { email: `c-${Date.now()}@example.test`, password: "long-enough-pw", name: "C" } });
    await call("POST", "/api/v1/auth/token", "/api/v1/auth/token", { body: { email: owner.email, password: owner.password } });
    await call("GET", "/api/v1/openapi.json", "/api/v1/openapi.json");
    await call("GET", "/api/v1/asyncapi.json", "/api/v1/asyncapi.json");
    await call("GET", "/api/v1/websocket/stats", "/api/v1/websocket/stats", { token: admin.token });
    await call("GET", "/api/v1/admin/metrics", "/api/v1/admin/metrics", { token: admin.token });
    await call("GET", "/api/metrics", "/api/metrics", { token: admin.token });

    // projects and members
    const full = "octo-org/contract-repo";
    const p = (await call("POST", "/api/v1/projects", "/api/v1/projects", { token: t, body: { name: "Contract", repository_url: `https://github.com/${full}` } })).body;
    await call("GET", "/api/v1/projects", "/api/v1/projects", { token: t });
    await call("GET", "/api/v1/projects/{id}", `/api/v1/projects/${p.id}`, { token: t });
    const other = await s.createUser("Member");
    await call("POST", "/api/v1/projects/{id}/members", `/api/v1/projects/${p.id}/members`, { token: t, body: { email: other.email, role: "member" } });
    await call("GET", "/api/v1/projects/{id}/members", `/api/v1/projects/${p.id}/members`, { token: t });

    // agents and tokens
    const agent = (await call("POST", "/api/v1/agents", "/api/v1/agents", { token: t, body: { name: "Linter", kind: "linter", project_ids: [p.id] } })).body;
    await call("GET", "/api/v1/agents", "/api/v1/agents", { token: t });
    await call("GET", "/api/v1/agents/{id}", `/api/v1/agents/${agent.id}`, { token: t });
    await call("GET", "/api/v1/projects/{id}/agents", `/api/v1/projects/${p.id}/agents`, { token: t });
    const agentToken = (await call("POST", "/api/v1/tokens", "/api/v1/tokens", { token: t, body: { name: "agent", kind: "agent", agent_id: agent.id } })).body.token;
    await call("GET", "/api/v1/tokens", "/api/v1/tokens", { token: t });

    // workflows
    const w = (await call("POST", "/api/v1/projects/{id}/workflows", `/api/v1/projects/${p.id}/workflows`, { token: agentToken, body: { name: "Lint", total_steps: 3 } })).body;
    await call("POST", "/api/v1/workflows/{id}/progress", `/api/v1/workflows/${w.id}/progress`, { token: agentToken, body: { progress: 40, current_step: 1, step_name: "scan", logs: ["a"], errors: ["b"] } });
    await call("POST", "/api/v1/workflows/{id}/events", `/api/v1/workflows/${w.id}/events`, { token: agentToken, body: { type: "agent:thought", data: { content: "hmm" } } });
    await call("GET", "/api/v1/workflows/{id}", `/api/v1/workflows/${w.id}`, { token: t });
    await call("POST", "/api/v1/workflows/{id}/complete", `/api/v1/workflows/${w.id}/complete`, { token: agentToken, body: { result: { ok: true } } });
    const w2 = (await call("POST", "/api/v1/projects/{id}/workflows", `/api/v1/projects/${p.id}/workflows`, { token: t, body: { name: "Other" } })).body;
    await call("POST", "/api/v1/workflows/{id}/fail", `/api/v1/workflows/${w2.id}/fail`, { token: t, body: { error: "broke" } });
    const w3 = (await call("POST", "/api/v1/projects/{id}/workflows", `/api/v1/projects/${p.id}/workflows`, { token: t, body: { name: "Cancelled" } })).body;
    await call("POST", "/api/v1/workflows/{id}/cancel", `/api/v1/workflows/${w3.id}/cancel`, { token: t, body: { reason: "not needed" } });
    await call("GET", "/api/v1/projects/{id}/workflows", `/api/v1/projects/${p.id}/workflows`, { token: t });

    // test runs (external: no sandbox needed)
    const run = (await call("POST", "/api/v1/projects/{id}/test-runs", `/api/v1/projects/${p.id}/test-runs`, { token: t, body: { source: "external", name: "CI" } })).body;
    await call("POST", "/api/v1/test-runs/{id}/results", `/api/v1/test-runs/${run.test_run_id}/results`, {
      token: t,
      body: { results: [{ name: "a", status: "passed", duration_ms: 3 }, { name: "b", status: "failed", error: "boom" }] },
    });
    await call("GET", "/api/v1/test-runs/{id}/results", `/api/v1/test-runs/${run.test_run_id}/results`, { token: t });
    await call("GET", "/api/v1/test-runs/{id}", `/api/v1/test-runs/${run.test_run_id}`, { token: t });
    await call("GET", "/api/v1/test-runs/{id}/log", `/api/v1/test-runs/${run.test_run_id}/log`, { token: t });
    await call("POST", "/api/v1/test-runs/{id}/complete", `/api/v1/test-runs/${run.test_run_id}/complete`, { token: t, body: {} });
    const run2 = (await call("POST", "/api/v1/projects/{id}/test-runs", `/api/v1/projects/${p.id}/test-runs`, { token: t, body: { source: "external" } })).body;
    await call("POST", "/api/v1/test-runs/{id}/cancel", `/api/v1/test-runs/${run2.test_run_id}/cancel`, { token: t });
    await call("GET", "/api/v1/projects/{id}/test-runs", `/api/v1/projects/${p.id}/test-runs`, { token: t });

    // vibecode: a session, a prompt answered by the fake model, apply / reject, usage, files. Its project's
    // repository is a local one inside REPO_ROOTS (DATA_DIR/repos) so the workspace clones and the model's
    // patches apply (the GitHub project above has no reachable repository: its prompts get no patch).
    const origin = makeRepo(path.join(s.dataDir, "repos", "contract-origin"), { "README.md": "# Contract\n\nA test repository.\n" });
    const vp = (await call("POST", "/api/v1/projects", "/api/v1/projects", { token: t, body: { name: "Contract vibecode", repository_url: origin } })).body;
    const sid = (await call("POST", "/api/v1/projects/{id}/sessions", `/api/v1/projects/${vp.id}/sessions`, { token: t })).body.session_id;
    const m1 = (await call("POST", "/api/v1/sessions/{id}/messages", `/api/v1/sessions/${sid}/messages`, { token: t, body: { prompt: "Add a greeting to the README" } })).body;
    const m2 = (await call("POST", "/api/v1/sessions/{id}/messages", `/api/v1/sessions/${sid}/messages`, { token: t, body: { prompt: "Add a farewell to the README" } })).body;
    const settled = (r: { body: any }) => ["proposed", "answered", "failed"].includes(r.body.messages?.find((m: any) => m.id === m2.message_id)?.status) && ["proposed", "answered", "failed"].includes(r.body.messages?.find((m: any) => m.id === m1.message_id)?.status);
    await until(() => s.request("GET", `/api/v1/sessions/${sid}`, { token: t }), settled);
    await call("GET", "/api/v1/sessions/{id}", `/api/v1/sessions/${sid}`, { token: t });
    await call("GET", "/api/v1/projects/{id}/sessions", `/api/v1/projects/${vp.id}/sessions`, { token: t });
    await call("GET", "/api/v1/projects/{id}/usage", `/api/v1/projects/${vp.id}/usage`, { token: t });
    await call("GET", "/api/v1/admin/usage", "/api/v1/admin/usage", { token: admin.token });
    await call("POST", "/api/v1/sessions/{id}/messages/{messageId}/reject", `/api/v1/sessions/${sid}/messages/${m2.message_id}/reject`, { token: t });
    const review = (await call("POST", "/api/v1/sessions/{id}/messages/{messageId}/review", `/api/v1/sessions/${sid}/messages/${m1.message_id}/review`, { token: t })).body;
    await until(() => s.request("GET", `/api/v1/reviews/${review.review_id}`, { token: t }), (r) => r.body.status !== "running");
    await call("GET", "/api/v1/reviews/{id}", `/api/v1/reviews/${review.review_id}`, { token: t });
    await call("GET", "/api/v1/sessions/{id}/messages/{messageId}/reviews", `/api/v1/sessions/${sid}/messages/${m1.message_id}/reviews`, { token: t });
    await call("POST", "/api/v1/sessions/{id}/messages/{messageId}/apply", `/api/v1/sessions/${sid}/messages/${m1.message_id}/apply`, { token: t });
    await call("GET", "/api/v1/projects/{id}/files", `/api/v1/projects/${vp.id}/files`, { token: t });
    await call("GET", "/api/v1/projects/{id}/files/content", `/api/v1/projects/${vp.id}/files/content?path=README.md`, { token: t });

    // shipping (issue #13): the session branch, its patch, the workspace, push and a pull request
    await call("GET", "/api/v1/sessions/{id}/diff", `/api/v1/sessions/${sid}/diff`, { token: t });
    await call("GET", "/api/v1/sessions/{id}/patch", `/api/v1/sessions/${sid}/patch`, { token: t });
    await call("GET", "/api/v1/sessions/{id}/messages/{messageId}/patch", `/api/v1/sessions/${sid}/messages/${m1.message_id}/patch`, { token: t });
    await call("GET", "/api/v1/projects/{id}/workspace", `/api/v1/projects/${vp.id}/workspace`, { token: t });
    await call("POST", "/api/v1/projects/{id}/workspace/sync", `/api/v1/projects/${vp.id}/workspace/sync`, { token: t });
    expect((await s.request("PUT", `/api/v1/projects/${vp.id}/shipping`, { token: t, body: { github_token: "ghp_contract_test_token", github_repository: "acme/widgets" } })).status).toBe(200);
    await call("GET", "/api/v1/projects/{id}/shipping", `/api/v1/projects/${vp.id}/shipping`, { token: t });
    await call("POST", "/api/v1/sessions/{id}/push", `/api/v1/sessions/${sid}/push`, { token: t });
    await call("POST", "/api/v1/sessions/{id}/pull-request", `/api/v1/sessions/${sid}/pull-request`, { token: t, body: { title: "Contract" } });

    // GitHub: webhook settings, a delivery to the project's own endpoint and to the instance-wide one
    await call("GET", "/api/v1/projects/{id}/webhook", `/api/v1/projects/${p.id}/webhook`, { token: t });
    await call("POST", "/api/v1/projects/{id}/webhook/rotate", `/api/v1/projects/${p.id}/webhook/rotate`, { token: t });
    const secret = await projectSecret(s.url, t, p.id);
    const pr = await signed(secret, "pull_request", example("pull_request", "opened", full));
    const own = await deliver(s.url, pr, p.id);
    conforms(declaredResponses.get("post /api/webhooks/github/{projectId}")![own.status]!, own.body, `webhook → ${own.status}`);
    seen.add("post /api/webhooks/github/{projectId}");
    const again = await deliver(s.url, pr, p.id);
    conforms(declaredResponses.get("post /api/webhooks/github/{projectId}")![again.status]!, again.body, `webhook repeat → ${again.status}`);
    const inst = await deliver(s.url, await signed(SECRET, "issues", example("issues", "opened", full)));
    conforms(declaredResponses.get("post /api/webhooks/github")![inst.status]!, inst.body, `instance webhook → ${inst.status}`);
    seen.add("post /api/webhooks/github");
    const prs = await call("GET", "/api/v1/projects/{id}/pull-requests", `/api/v1/projects/${p.id}/pull-requests`, { token: t });
    await call("GET", "/api/v1/projects/{id}/issues", `/api/v1/projects/${p.id}/issues`, { token: t });
    await call("GET", "/api/v1/github/deliveries", "/api/v1/github/deliveries", { token: admin.token });
    const prId = prs.body.pull_requests[0].pr_id;
    const prReview = (await call("POST", "/api/v1/pull-requests/{id}/review", `/api/v1/pull-requests/${prId}/review`, { token: t })).body;
    await until(() => s.request("GET", `/api/v1/reviews/${prReview.review_id}`, { token: t }), (r) => r.body.status !== "running");
    await call("GET", "/api/v1/pull-requests/{id}/reviews", `/api/v1/pull-requests/${prId}/reviews`, { token: t });

    // traces and notifications (issue #16): the member was told they were added
    await call("GET", "/api/v1/traces/{traceId}", `/api/v1/traces/${m1.trace_id}`, { token: t });
    const mine = await until(() => s.request("GET", "/api/v1/notifications", { token: other.token }), (r) => r.body.notifications?.length > 0);
    await call("GET", "/api/v1/notifications", "/api/v1/notifications", { token: other.token });
    await call("GET", "/api/v1/notifications/preferences", "/api/v1/notifications/preferences", { token: other.token });
    await call("POST", "/api/v1/notifications/{id}/read", `/api/v1/notifications/${mine.body.notifications[0].id}/read`, { token: other.token });
    await call("POST", "/api/v1/notifications/read-all", "/api/v1/notifications/read-all", { token: other.token });

    // accounts and audit (issue #14): users, invites, reset links, the audit log
    const made = (await call("POST", "/api/v1/users", "/api/v1/users", { token: admin.token, body: { email: `made-${Date.now()}@example.test`, name: "Made", password: "long-enough-pw" } })).body;
    await call("GET", "/api/v1/users", "/api/v1/users", { token: admin.token });
    const reset = (await call("POST", "/api/v1/users/{id}/password-reset", `/api/v1/users/${made.id}/password-reset`, { token: admin.token, body: {} })).body;
    await call("POST", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset", { body: { token: reset.token, password: "another-long-pw" } });
    const invite = (await call("POST", "/api/v1/invites", "/api/v1/invites", { token: admin.token, body: {} })).body;
    await call("GET", "/api/v1/invites", "/api/v1/invites", { token: admin.token });
    await call("POST", "/api/v1/auth/invite", "/api/v1/auth/invite", { body: { token: invite.token } });
    await call("GET", "/api/v1/audit", "/api/v1/audit", { token: admin.token });

    // history last: it holds the events of everything above
    await call("GET", "/api/v1/projects/{id}/events", `/api/v1/projects/${p.id}/events`, { token: t });
    await call("GET", "/api/v1/projects/{id}/feed", `/api/v1/projects/${p.id}/feed?limit=5`, { token: t });

    const missing = [...declaredResponses.keys()].filter((k) => /^(get|post) /.test(k) && !seen.has(k));
    expect(missing, "GET/POST routes this test does not exercise").toEqual([]);
  }, 240_000);

  it("the check fails on drift: an undeclared field, a missing one, a status outside its enum", () => {
    const run = {
      id: "r", project_id: "p", job_id: "j", source: "local", name: null, command: null, status: "passed", trace_id: null, started_by: null,
      started_by_name: null, total: 1, passed: 1, failed: 0, skipped: 0, duration_ms: 1, exit_code: 0, error: null, reader: null,
      started_at: null, finished_at: null, created_at: "x",
    };
    expect(() => conforms(ZTestRunSchema, run, "ok")).not.toThrow();
    expect(() => conforms(ZTestRunSchema, { ...run, extra: 1 }, "extra")).toThrow();
    const { started_by_name: _n, ...without } = run;
    expect(() => conforms(ZTestRunSchema, without, "missing")).toThrow();
    expect(() => conforms(ZTestRunSchema, { ...run, status: "exploded" }, "enum")).toThrow();
  });
});
