// Issue #13: session branches, workspaces in sync, patch / push / pull request, apply-and-test — against a real
// server, a local origin repository inside REPO_ROOTS, the fake OpenAI server and a fake GitHub API server
// (real HTTP, the real @octokit/rest client).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Socket } from "socket.io-client";
import { nextEvent, record, startServer, type TestServer, type TestUser } from "../support/server";
import { FakeOpenAI } from "../support/fake-openai";
import { FakeGitHub } from "../support/fake-github";
import { makeRepo } from "../support/repos";

let fake: FakeOpenAI;
let gh: FakeGitHub;
let s: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;

const PUSH_SECRET = "sbpush_Zq8wX3vN6mK2pL9tR4yH";
const GH_TOKEN = "ghp_FakeTokenForTests0123456789abcdefABCD";
const git = (dir: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.test", ...args], { cwd: dir, encoding: "utf8" });
// The project's tests: fail when the README mentions "break".
const TEST_FILE = `const { test } = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
test("readme is fine", () => assert.ok(!fs.readFileSync("README.md", "utf8").includes("break"), "README mentions break"));
test("adds", () => assert.strictEqual(1 + 1, 2));
`;

beforeAll(async () => {
  fake = await new FakeOpenAI().start();
  gh = await new FakeGitHub().start();
  s = await startServer({
    env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", GITHUB_API_URL: gh.url, GIT_ALLOWED_HOSTS: "github.com,*.invalid", TEST_RUN_TIMEOUT_MS: "60000" },
  });
  owner = await s.createUser("Owner");
  member = await s.createUser("Member");
  viewer = await s.createUser("Viewer");
  outsider = await s.createUser("Outsider");
}, 600_000);
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
  await gh?.stop();
});
afterEach(() => s.closeSockets());

let seq = 0;
/** An origin repository inside REPO_ROOTS (DATA_DIR/repos by default). */
function origin(files: Record<string, string> = { "README.md": "# Widgets\n\nA test repository.\n", "readme.test.js": TEST_FILE }) {
  return makeRepo(path.join(s.dataDir, "repos", `origin-${++seq}`), files);
}

async function setup(repo: string, extra: Record<string, unknown> = {}) {
  const p = await s.createProject(owner, { name: `Ship ${seq}`, repository_url: repo, ...extra });
  await s.addMember(owner, p.id, member, "member");
  await s.addMember(owner, p.id, viewer, "viewer");
  return p as { id: string };
}

async function watch(user: TestUser, projectId: string): Promise<Socket> {
  const c = await s.connect({ auth: { token: user.token } });
  expect(await c.emitWithAck("subscribe", { project_id: projectId })).toMatchObject({ status: "success" });
  return c;
}

async function ready(projectId: string) {
  for (let i = 0; i < 120; i++) {
    const w = await s.request("GET", `/api/v1/projects/${projectId}/workspace`, { token: viewer.token });
    if (w.body.state !== "cloning") return w;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("workspace never left cloning");
}

/** A session with one prompt answered (a proposed patch); returns its ids. */
async function proposed(projectId: string, sid: string | null, text: string, c: Socket) {
  if (!sid) {
    const r = await s.request("POST", `/api/v1/projects/${projectId}/sessions`, { token: member.token });
    expect(r.status).toBe(201);
    sid = r.body.session_id as string;
  }
  const answered = nextEvent(c, "vibecode_response", (e: any) => e.data.session_id === sid, 30_000);
  const r = await s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt: text } });
  expect(r.status).toBe(202);
  const e = await answered;
  expect(e.data.status).toBe("proposed");
  return { sid: sid!, mid: r.body.message_id as string };
}

describe("workspaces in sync", () => {
  it("clones, shows state and heads, fast-forwards on sync, re-clones a changed repository_url, and shows a failed clone with Retry", async () => {
    const repo = origin();
    const p = await setup(repo);
    const w = await ready(p.id);
    expect(w.status).toBe(200);
    const branch = git(repo, "symbolic-ref", "--short", "HEAD").trim();
    const head = git(repo, "rev-parse", "HEAD").trim();
    expect(w.body).toMatchObject({ state: "ready", error: null, default_branch: branch, head, upstream_head: head, behind: 0, sessions: [] });

    // Upstream moves: sync fetches and fast-forwards; the event reaches the room.
    writeFileSync(path.join(repo, "NEW.md"), "new upstream file\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "upstream change");
    const newHead = git(repo, "rev-parse", "HEAD").trim();
    const c = await watch(viewer, p.id);
    const synced = nextEvent(c, "workspace.synced", () => true, 20_000);
    expect((await s.request("POST", `/api/v1/projects/${p.id}/workspace/sync`, { token: viewer.token })).status).toBe(403);
    const r = await s.request("POST", `/api/v1/projects/${p.id}/workspace/sync`, { token: member.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: "ready", head: newHead, upstream_head: newHead, behind: 0 });
    expect((await synced).data).toMatchObject({ head: newHead, behind: 0 });
    const file = await s.request("GET", `/api/v1/projects/${p.id}/files/content?path=NEW.md`, { token: viewer.token });
    expect(file.body.content).toBe("new upstream file\n");

    // A failing repository_url (credentials in it): failed with a masked reason; nothing of the credential anywhere.
    const log = record(c);
    const failed = nextEvent(c, "workspace.failed", () => true, 30_000);
    const bad = `https://someone:${PUSH_SECRET}@nowhere.invalid/acme/none.git`;
    expect((await s.request("PATCH", `/api/v1/projects/${p.id}`, { token: owner.token, body: { repository_url: bad } })).status).toBe(200);
    const f = await failed;
    expect(f.data.repository_url).toBe("https://***@nowhere.invalid/acme/none.git");
    const fw = await ready(p.id);
    expect(fw.body).toMatchObject({ state: "failed", error: expect.stringContaining("nowhere.invalid") });
    expect(JSON.stringify(fw.body) + JSON.stringify(log) + s.logs.join("\n")).not.toContain(PUSH_SECRET);
    const files = await s.request("GET", `/api/v1/projects/${p.id}/files`, { token: viewer.token });
    expect(files.status).toBe(409);
    expect(files.body.error.code).toBe("WORKSPACE_FAILED");

    // Another repository: re-cloned; Retry (sync) after a failure clones again.
    const other = origin({ "OTHER.md": "other repository\n" });
    const missing = path.join(s.dataDir, "repos", "not-yet");
    expect((await s.request("PATCH", `/api/v1/projects/${p.id}`, { token: owner.token, body: { repository_url: missing } })).status).toBe(200);
    expect((await ready(p.id)).body.state).toBe("failed");
    execFileSync("cp", ["-r", other, missing]);
    const retry = await s.request("POST", `/api/v1/projects/${p.id}/workspace/sync`, { token: member.token });
    expect(retry.status).toBe(200);
    expect(retry.body.state).toBe("ready");
    expect((await s.request("GET", `/api/v1/projects/${p.id}/files/content?path=OTHER.md`, { token: viewer.token })).body.content).toBe("other repository\n");
  }, 180_000);
});

describe("a branch per session, shipped three ways", () => {
  it("prompts work on the session's own branch; apply commits there as the member; patch, push and pull request ship it", async () => {
    const repo = origin();
    const base = git(repo, "symbolic-ref", "--short", "HEAD").trim();
    const p = await setup(repo);
    await ready(p.id);
    const c = await watch(viewer, p.id);
    const events = record(c);

    const { sid, mid } = await proposed(p.id, null, "Add a greeting --upload-pack=touch ../../refs/heads/main", c);
    let sess = await s.request("GET", `/api/v1/sessions/${sid}`, { token: viewer.token });
    expect(sess.body.branch).toMatch(new RegExp(`^switchboard/${sid.slice(0, 8)}-add-a-greeting-upload-pack-touch-refs-he$`));
    expect(sess.body).toMatchObject({ base_branch: base, base_commit: git(repo, "rev-parse", "HEAD").trim(), commits: [] });

    // Apply: a commit on the session branch, authored by the member; the default branch does not move.
    expect((await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/apply`, { token: viewer.token })).status).toBe(403);
    const applied = await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/apply`, { token: member.token });
    expect(applied.status).toBe(200);
    sess = await s.request("GET", `/api/v1/sessions/${sid}`, { token: viewer.token });
    expect(sess.body.commits).toHaveLength(1);
    expect(sess.body.commits[0]).toMatchObject({ sha: applied.body.commit_sha, author: member.name, author_email: member.email });
    expect(sess.body.head).toBe(applied.body.commit_sha);
    const projectReadme = await s.request("GET", `/api/v1/projects/${p.id}/files/content?path=README.md`, { token: viewer.token });
    expect(projectReadme.body.content).not.toContain("Added by the model");

    // A follow-up sees the conversation and the branch as it is now.
    const before = fake.requests.length;
    const second = await proposed(p.id, sid, "Add a farewell", c);
    const sent = JSON.stringify(fake.requests[before]!.body.messages);
    expect(sent).toContain("Add a greeting");
    expect(sent).toContain("Added by the model: Add a greeting");
    expect(sent).toContain(sess.body.branch);
    expect((await s.request("POST", `/api/v1/sessions/${sid}/messages/${second.mid}/apply`, { token: member.token })).status).toBe(200);

    const diff = await s.request("GET", `/api/v1/sessions/${sid}/diff`, { token: viewer.token });
    expect(diff.status).toBe(200);
    expect(diff.body.files).toEqual([{ path: "README.md", additions: 2, deletions: 0 }]);
    expect(diff.body.diff).toContain("+Added by the model: Add a farewell");

    // Patch: a mailbox of both commits that `git am` applies on the base; per message: one commit.
    const mbox = await fetch(`${s.url}/api/v1/sessions/${sid}/patch`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(mbox.status).toBe(200);
    expect(mbox.headers.get("content-disposition")).toMatch(/^attachment; filename="switchboard-[0-9a-f]{8}-add-a-greeting.*\.patch"$/);
    const text = await mbox.text();
    expect(text.match(/^From [0-9a-f]{40} /gm)).toHaveLength(2);
    const check = mkdtempSync(path.join(tmpdir(), "ship-am-"));
    execFileSync("git", ["clone", "-q", repo, check]);
    const patchFile = path.join(check, "..", `${path.basename(check)}.patch`);
    writeFileSync(patchFile, text);
    git(check, "am", "-q", patchFile);
    expect(readFileSync(path.join(check, "README.md"), "utf8")).toContain("Added by the model: Add a farewell");
    expect(git(check, "log", "-2", "--format=%an <%ae>").trim().split("\n")).toEqual([`${member.name} <${member.email}>`, `${member.name} <${member.email}>`]);
    const one = await fetch(`${s.url}/api/v1/sessions/${sid}/messages/${mid}/patch`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect((await one.text()).match(/^From [0-9a-f]{40} /gm)).toHaveLength(1);
    const notApplied = await s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt: "[[nodiff]] nothing" } });
    expect((await s.request("GET", `/api/v1/sessions/${sid}/messages/${notApplied.body.message_id}/patch`, { token: viewer.token })).status).toBe(409);

    // Push: roles first, then the branch lands in the origin.
    expect((await s.request("POST", `/api/v1/sessions/${sid}/push`, { token: viewer.token })).status).toBe(403);
    expect((await s.request("POST", `/api/v1/sessions/${sid}/push`, { token: outsider.token })).status).toBe(404);
    const agent = await s.request("POST", "/api/v1/tokens", { token: member.token, body: { name: "pusher", kind: "agent" } });
    expect(agent.status).toBe(201);
    expect((await s.request("POST", `/api/v1/sessions/${sid}/push`, { token: agent.body.token })).status).toBe(403);
    const pushedEvent = nextEvent(c, "session.pushed", () => true, 20_000);
    const pushed = await s.request("POST", `/api/v1/sessions/${sid}/push`, { token: member.token });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toEqual({ branch: sess.body.branch, commit: expect.stringMatching(/^[0-9a-f]{40}$/), remote: repo });
    expect(git(repo, "rev-parse", `refs/heads/${sess.body.branch}`).trim()).toBe(pushed.body.commit);
    expect((await pushedEvent).data).toMatchObject({ session_id: sid, branch: sess.body.branch, commit: pushed.body.commit, pushed_by: member.id });

    // Pull request: the project's GitHub token through @octokit/rest to GITHUB_API_URL; it shows on the pulls page.
    const noToken = await s.request("POST", `/api/v1/sessions/${sid}/pull-request`, { token: member.token, body: {} });
    expect(noToken.status).toBe(409);
    expect(noToken.body.error.code).toBe("NO_GITHUB_REPOSITORY");
    expect((await s.request("PUT", `/api/v1/projects/${p.id}/shipping`, { token: member.token, body: { github_token: GH_TOKEN } })).status).toBe(403);
    const set = await s.request("PUT", `/api/v1/projects/${p.id}/shipping`, { token: owner.token, body: { github_token: GH_TOKEN, github_repository: "acme/widgets" } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ project_id: p.id, push_credential_set: false, github_token_set: true, github_repository: "acme/widgets", pull_request_repository: "acme/widgets" });
    const rejected = await s.request("POST", `/api/v1/sessions/${sid}/pull-request`, { token: member.token, body: { title: "[[reject]] this" } });
    expect(rejected.status).toBe(422);
    expect(rejected.body.error.code).toBe("GITHUB_REJECTED");
    const prEvent = nextEvent(c, "pr.created", () => true, 20_000);
    const pr = await s.request("POST", `/api/v1/sessions/${sid}/pull-request`, { token: member.token, body: { title: "Greeting and farewell" } });
    expect(pr.status).toBe(201);
    expect(pr.body).toMatchObject({ number: expect.any(Number), url: expect.stringContaining("/acme/widgets/pull/"), branch: sess.body.branch, base });
    const req = gh.requests.at(-1)!;
    expect(req).toMatchObject({ method: "POST", path: "/repos/acme/widgets/pulls", body: { head: sess.body.branch, base, title: "Greeting and farewell" } });
    expect(req.authorization).toBe(`token ${GH_TOKEN}`);
    expect((await prEvent).data).toMatchObject({ number: pr.body.number, branch: sess.body.branch });
    const pulls = await s.request("GET", `/api/v1/projects/${p.id}/pull-requests`, { token: viewer.token });
    expect(JSON.stringify(pulls.body)).toContain(pr.body.url);
    expect((await s.request("POST", `/api/v1/sessions/${sid}/pull-request`, { token: member.token, body: {} })).body.error.code).toBe("PULL_REQUEST_EXISTS");

    // Upstream moves on: the default branch is fast-forwarded, the session branch stays and shows how far behind.
    writeFileSync(path.join(repo, "LATER.md"), "later\n");
    git(repo, "add", "LATER.md");
    git(repo, "commit", "-qm", "later upstream");
    const w = await s.request("POST", `/api/v1/projects/${p.id}/workspace/sync`, { token: member.token });
    expect(w.body.sessions).toEqual([{ session_id: sid, title: expect.any(String), branch: sess.body.branch, head: pushed.body.commit, ahead: 2, behind: 1, pushed_commit: pushed.body.commit }]);

    // Neither token nor credential ever shows.
    const all = JSON.stringify(events) + JSON.stringify(await s.request("GET", `/api/v1/projects/${p.id}/shipping`, { token: owner.token })) + s.logs.join("\n");
    expect(all).not.toContain(GH_TOKEN);
  }, 240_000);

  it("push refusals: no remote, https origin without a credential, a host that no longer passes the checks; the credential is never shown", async () => {
    const p0 = await s.createProject(owner, { name: "No remote" });
    await s.addMember(owner, p0.id, member, "member");
    const s0 = await s.request("POST", `/api/v1/projects/${p0.id}/sessions`, { token: member.token });
    const r0 = await s.request("POST", `/api/v1/sessions/${s0.body.session_id}/push`, { token: member.token });
    expect([r0.status, r0.body.error.code]).toEqual([409, "NO_REMOTE"]);

    const p = await s.createProject(owner, { name: "Remote", repository_url: "https://git.nowhere.invalid/acme/widgets.git" });
    await s.addMember(owner, p.id, member, "member");
    const sid = (await s.request("POST", `/api/v1/projects/${p.id}/sessions`, { token: member.token })).body.session_id;
    const noCred = await s.request("POST", `/api/v1/sessions/${sid}/push`, { token: member.token });
    expect([noCred.status, noCred.body.error.code]).toEqual([409, "PUSH_CREDENTIAL_MISSING"]);
    const c = await watch(owner, p.id);
    const log = record(c);
    const set = await s.request("PUT", `/api/v1/projects/${p.id}/shipping`, { token: owner.token, body: { push_credential: PUSH_SECRET } });
    expect(set.status).toBe(200);
    expect(set.body.push_credential_set).toBe(true);
    const refused = await s.request("POST", `/api/v1/sessions/${sid}/push`, { token: member.token });
    expect([refused.status, refused.body.error.code]).toEqual([422, "REMOTE_NOT_ALLOWED"]);
    // Saving a host outside GIT_ALLOWED_HOSTS is refused; oversized or spaced credentials too.
    expect((await s.request("PATCH", `/api/v1/projects/${p.id}`, { token: owner.token, body: { repository_url: "https://evil.example.com/a/b.git" } })).status).toBe(400);
    expect((await s.request("PUT", `/api/v1/projects/${p.id}/shipping`, { token: owner.token, body: { push_credential: "x".repeat(5000) } })).status).toBe(400);
    expect((await s.request("PUT", `/api/v1/projects/${p.id}/shipping`, { token: owner.token, body: { github_repository: "../etc" } })).status).toBe(400);
    await new Promise((r) => setTimeout(r, 300));
    const seen = JSON.stringify(log) + JSON.stringify(await s.request("GET", `/api/v1/projects/${p.id}/shipping`, { token: owner.token })) + JSON.stringify(refused.body) + s.logs.join("\n");
    expect(seen).not.toContain(PUSH_SECRET);
    expect(JSON.stringify(log)).toContain("project.shipping_updated");
  }, 60_000);
});

describe("apply and test", () => {
  it("apply {run_tests: true} runs the project's tests on the session branch, live, recording branch and commit", async () => {
    const repo = origin();
    const p = await setup(repo, { test_command: "node --test" });
    await ready(p.id);
    const c = await watch(viewer, p.id);
    const { sid, mid } = await proposed(p.id, null, "Please break the readme", c);
    const created = nextEvent(c, "test_run.created", (e: any) => e.data.session_id === sid, 30_000);
    const started = nextEvent(c, "test_started", (e: any) => e.data.session_id === sid, 60_000);
    const r = await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/apply`, { token: member.token, body: { run_tests: true } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "applied", test_run_id: expect.any(String) });
    const runId = r.body.test_run_id;
    // One path with traces (#16): the run is in the prompt's trace, and so are its events.
    const traceId = r.body.trace_id;
    expect(r.body.test_run).toEqual({ test_run_id: runId, job_id: r.body.job_id, trace_id: traceId });
    expect((await created).data.test_run_id).toBe(runId);
    expect((await created).trace_id).toBe(traceId);
    const sess = (await s.request("GET", `/api/v1/sessions/${sid}`, { token: viewer.token })).body;
    expect((await started).data).toMatchObject({ test_run_id: runId, branch: sess.branch, commit: r.body.commit_sha });
    expect((await started).trace_id).toBe(traceId);
    const failedResult = nextEvent(c, "test_result", (e: any) => e.data.test_run_id === runId && e.data.status === "failed", 60_000);
    const done = nextEvent(c, "test_completed", (e: any) => e.data.test_run_id === runId, 90_000);
    expect((await failedResult).data.name).toContain("readme is fine");
    expect((await done).data).toMatchObject({ status: "failed", failed: 1, passed: 1 });
    const run = await s.request("GET", `/api/v1/test-runs/${runId}`, { token: viewer.token });
    expect(run.body).toMatchObject({ session_id: sid, branch: sess.branch, commit: r.body.commit_sha, status: "failed" });
    // The project's own runs stay on the default branch.
    expect(readFileSync(path.join(s.dataDir, "workspaces", p.id, "README.md"), "utf8")).not.toContain("break");
  }, 180_000);
});

describe("hostile session input", () => {
  it("apply bodies are checked; a session branch name never carries what a prompt tried", async () => {
    const repo = origin();
    const p = await setup(repo);
    await ready(p.id);
    const c = await watch(viewer, p.id);
    const { sid, mid } = await proposed(p.id, null, "-- --exec=/bin/sh ../../../.git/config refs/heads/main @{-1} ~^: *?[", c);
    const bad = await s.request("POST", `/api/v1/sessions/${sid}/messages/${mid}/apply`, { token: member.token, body: { run_tests: "yes" } });
    expect(bad.status).toBe(400);
    const sess = (await s.request("GET", `/api/v1/sessions/${sid}`, { token: viewer.token })).body;
    expect(sess.branch).toMatch(/^switchboard\/[0-9a-f]{8}-[a-z0-9-]+$/);
    expect(sess.branch).not.toContain("..");
  }, 120_000);
});
