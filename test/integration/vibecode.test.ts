// Vibecode against a real server and a fake OpenAI-compatible model server of our own.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Socket } from "socket.io-client";
import { nextEvent, record, startServer, createTestDatabase, testsUsePostgres, type TestServer, type TestUser } from "../support/server";
import { FakeOpenAI } from "../support/fake-openai";

// Answers wait up to 30 s (a project's first prompt also makes its workspace and session branch): tests get room.
vi.setConfig({ testTimeout: 90_000 });

let fake: FakeOpenAI;
let s: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let outsider: TestUser;

const llmEnv = () => ({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "fake-model", LLM_TIMEOUT_MS: "3000" });

beforeAll(async () => {
  fake = await new FakeOpenAI().start();
  s = await startServer({ env: llmEnv() });
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

async function setup() {
  const p = await s.createProject(owner, { name: "Vibes", description: "A vibecoded project" });
  await s.addMember(owner, p.id, member, "member");
  await s.addMember(owner, p.id, viewer, "viewer");
  const session = await s.request("POST", `/api/v1/projects/${p.id}/sessions`, { token: member.token });
  expect(session.status).toBe(201);
  expect(session.body).toEqual({ session_id: expect.any(String), project_id: p.id, created_at: expect.any(String) });
  return { p, sid: session.body.session_id as string };
}

async function watch(user: TestUser, projectId: string): Promise<Socket> {
  const c = await s.connect({ auth: { token: user.token } });
  expect(await c.emitWithAck("subscribe", { project_id: projectId })).toMatchObject({ status: "success" });
  return c;
}

const prompt = (sid: string, user: TestUser, text: string) => s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: user.token, body: { prompt: text } });
const forMessage = (id: string) => (e: any) => e.data.message_id === id;
const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });

describe("a prompt becomes a streamed answer with a checked patch", () => {
  it("three clients receive identical vibecode_responses with the REST trace_id and the exact usage; chunks in order", async () => {
    const { p, sid } = await setup();
    const clients = [await watch(owner, p.id), await watch(member, p.id), await watch(viewer, p.id)];
    const logs = clients.map(record);
    // Generous: the first prompt of a project also makes its workspace and the session's branch (a loaded machine).
    const responses = clients.map((c) => nextEvent(c, "vibecode_response", () => true, 30_000));
    const workflowDone = nextEvent(clients[0]!, "workflow.completed", () => true, 30_000);
    const before = fake.requests.length;
    const r = await prompt(sid, member, "Add a greeting to the README");
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ message_id: expect.stringMatching(/^[0-9a-f-]{36}$/), trace_id: expect.any(String), status: "pending" });
    const [a, b, c] = await Promise.all(responses);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const req = fake.requests[before]!;
    expect(req.body).toMatchObject({ model: "fake-model", stream: true, stream_options: { include_usage: true } });
    expect(req.authorization).toBe("Bearer sk-test");
    expect(JSON.stringify(req.body.messages)).toContain("Add a greeting to the README");
    expect(JSON.stringify(req.body.messages)).toContain("README.md");
    expect(a.trace_id).toBe(r.body.trace_id);
    expect(a.room).toBe(`project:${p.id}`);
    expect(a.data).toMatchObject({
      session_id: sid,
      message_id: r.body.message_id,
      model: "fake-model",
      status: "proposed",
      token_usage: req.usage,
      files: [{ path: "README.md", additions: 1, deletions: 0 }],
    });
    expect(a.data.patch).toContain("+++ b/README.md");
    expect(a.data.patch).toContain("+Added by the model: Add a greeting to the README");

    await workflowDone;
    // chunks: in order, batched (fewer events than tokens), all before the response, same trace
    const names = logs[0]!.map((e) => e.name);
    const chunks = logs[0]!.filter((e) => e.name === "vibecode_chunk").map((e) => e.payload);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.length).toBeLessThan(Math.ceil(a.data.reply.length / 12));
    expect(chunks.map((e) => e.data.seq)).toEqual(chunks.map((_, i) => i));
    expect(chunks.map((e) => e.data.content).join("")).toBe(a.data.reply);
    // each chunk says where it starts in the answer (a late joiner drops what its REST read already has)
    expect(chunks.map((e) => e.data.offset)).toEqual(chunks.map((_, i) => chunks.slice(0, i).reduce((n, e) => n + e.data.content.length, 0)));
    expect(chunks.every((e) => e.trace_id === r.body.trace_id)).toBe(true);
    expect(names.lastIndexOf("vibecode_chunk")).toBeLessThan(names.indexOf("vibecode_response"));
    expect(names.indexOf("vibecode_request")).toBeLessThan(names.indexOf("vibecode_chunk"));
    // the built-in agent reported the work as a workflow
    for (const t of ["workflow.started", "agent:thought", "agent:tool_call", "workflow.progress", "agent:result", "workflow.completed"]) expect(names).toContain(t);
    const completed = logs[0]!.find((e) => e.name === "workflow.completed")!.payload;
    expect(completed.data).toMatchObject({ status: "completed", progress: 100, workflow_id: expect.any(String) });
    const thought = logs[0]!.find((e) => e.name === "agent:thought")!.payload;
    expect(thought.data).toMatchObject({ workflow_id: completed.data.workflow_id, agent_id: expect.any(String), content: expect.any(String) });
    expect(thought.trace_id).toBe(r.body.trace_id);

    // the session keeps the message with its usage
    const got = await s.request("GET", `/api/v1/sessions/${sid}`, { token: viewer.token });
    expect(got.status).toBe(200);
    expect(got.body.messages).toHaveLength(1);
    expect(got.body.messages[0]).toMatchObject({ id: r.body.message_id, status: "proposed", patch: a.data.patch, reply: a.data.reply, token_usage: req.usage, trace_id: r.body.trace_id });
    const usage = await s.request("GET", `/api/v1/projects/${p.id}/usage`, { token: viewer.token });
    expect(usage.body).toMatchObject({ total_tokens: req.usage.total_tokens, prompt_tokens: req.usage.prompt_tokens, messages: 1 });
  });

  it("apply commits the patch in the workspace as the user; everyone sees patch.applied; then it cannot be applied again", async () => {
    const { p, sid } = await setup();
    const watcher = await watch(viewer, p.id);
    const response = nextEvent(watcher, "vibecode_response", () => true, 30_000);
    const r = await prompt(sid, member, "Document the apply flow");
    expect((await response).data.status).toBe("proposed");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/apply`, { token: viewer.token }), 403, "FORBIDDEN");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/apply`, { token: outsider.token }), 404, "NOT_FOUND");
    const applied = nextEvent(watcher, "patch.applied");
    const res = await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/apply`, { token: member.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "applied", commit_sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const ev = await applied;
    expect(ev.data).toMatchObject({ message_id: r.body.message_id, commit: res.body.commit_sha, applied_by: member.id, files: [{ path: "README.md", additions: 1, deletions: 0 }] });
    expect(ev.trace_id).toBe(r.body.trace_id);
    // On the session's branch, in its own worktree (the project's default branch does not move).
    const diff = await s.request("GET", `/api/v1/sessions/${sid}/diff`, { token: viewer.token });
    expect(diff.body.diff).toContain("+Added by the model: Document the apply flow");
    const file = await s.request("GET", `/api/v1/projects/${p.id}/files/content?path=README.md`, { token: viewer.token });
    expect(file.body.content).not.toContain("Added by the model");
    const dir = path.join(s.dataDir, "workspaces", `${p.id}.sessions`, sid);
    expect(git(dir, "log", "-1", "--format=%an <%ae>|%s").trim()).toBe(`Member <${member.email}>|Vibecode: Document the apply flow`);
    expect(git(dir, "status", "--porcelain").trim()).toBe("");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/apply`, { token: member.token }), 409, "INVALID_TRANSITION");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/reject`, { token: member.token }), 409, "INVALID_TRANSITION");
  });

  it("a patch that no longer applies answers 409 PATCH_CONFLICT and changes nothing", async () => {
    const { p, sid } = await setup();
    const watcher = await watch(member, p.id);
    const response = nextEvent(watcher, "vibecode_response", () => true, 30_000);
    const r = await prompt(sid, member, "Append a line");
    expect((await response).data.status).toBe("proposed");
    const dir = path.join(s.dataDir, "workspaces", `${p.id}.sessions`, sid);
    writeFileSync(path.join(dir, "README.md"), "# Rewritten elsewhere\n\nEverything changed.\n");
    git(dir, "-c", "user.name=Other", "-c", "user.email=o@example.test", "commit", "-qam", "Someone else's change");
    const head = git(dir, "rev-parse", "HEAD").trim();
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/apply`, { token: member.token }), 409, "PATCH_CONFLICT");
    expect(git(dir, "rev-parse", "HEAD").trim()).toBe(head);
    expect(readFileSync(path.join(dir, "README.md"), "utf8")).toBe("# Rewritten elsewhere\n\nEverything changed.\n");
    expect((await s.request("GET", `/api/v1/sessions/${sid}`, { token: member.token })).body.messages[0].status).toBe("proposed");
  });

  it("reject publishes patch.rejected; the patch is not applied", async () => {
    const { p, sid } = await setup();
    const watcher = await watch(owner, p.id);
    const response = nextEvent(watcher, "vibecode_response", () => true, 30_000);
    const r = await prompt(sid, member, "Something we will not want");
    await response;
    const rejected = nextEvent(watcher, "patch.rejected");
    const res = await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/reject`, { token: owner.token });
    expect(res.body.status).toBe("rejected");
    expect((await rejected).data).toMatchObject({ message_id: r.body.message_id, rejected_by: owner.id });
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/apply`, { token: owner.token }), 409, "INVALID_TRANSITION");
    const file = await s.request("GET", `/api/v1/projects/${p.id}/files/content?path=README.md`, { token: owner.token });
    expect(file.body.content).not.toContain("Added by the model");
  });

  it("answers without a usable diff keep the text and say why: no diff, a diff that does not apply, a path escape", async () => {
    const { p, sid } = await setup();
    const watcher = await watch(member, p.id);
    for (const [marker, code, pattern] of [
      ["[[nodiff]]", "NO_DIFF", /no .*diff/i],
      ["[[baddiff]]", "DOES_NOT_APPLY", /does not apply/i],
      ["[[escape]]", "PATH_OUTSIDE_WORKSPACE", /outside the workspace/i],
    ] as const) {
      const r = await prompt(sid, member, `Please ${marker}`);
      const ev = await nextEvent(watcher, "vibecode_response", forMessage(r.body.message_id), 30_000);
      expect(ev.data).toMatchObject({ patch: null, files: [], status: "answered", error_code: code, token_usage: expect.any(Object) });
      expect(ev.data.error).toMatch(pattern);
      expect(ev.data.reply.length).toBeGreaterThan(10);
      expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/${r.body.message_id}/apply`, { token: member.token }), 409, "INVALID_TRANSITION");
    }
    expect(existsSync(path.join(s.dataDir, "workspaces", "outside.txt"))).toBe(false);
  });

  it("LLM errors and timeouts end in vibecode_error and the session stays usable", async () => {
    const { p, sid } = await setup();
    const watcher = await watch(member, p.id);
    const down = await prompt(sid, member, "[[http500]] break");
    const e1 = await nextEvent(watcher, "vibecode_error", forMessage(down.body.message_id));
    expect(e1.data).toMatchObject({ session_id: sid, code: "LLM_ERROR", message: expect.stringMatching(/500/) });
    expect(e1.trace_id).toBe(down.body.trace_id);
    const hang = await prompt(sid, member, "[[hang]] forever");
    const e2 = await nextEvent(watcher, "vibecode_error", forMessage(hang.body.message_id), 15_000);
    expect(e2.data.code).toBe("LLM_TIMEOUT");
    const failed = nextEvent(watcher, "workflow.failed");
    const ok = await prompt(sid, member, "Now a normal request");
    const resp = await nextEvent(watcher, "vibecode_response", forMessage(ok.body.message_id), 30_000);
    expect(resp.data.status).toBe("proposed");
    void failed.catch(() => {});
    const msgs = (await s.request("GET", `/api/v1/sessions/${sid}`, { token: member.token })).body.messages;
    expect(msgs.map((m: any) => m.status)).toEqual(["failed", "failed", "proposed"]);
    expect(msgs[1].error).toMatch(/did not finish/);
  }, 40_000);

  it("messages of one session are answered in the order they were sent", async () => {
    const { p, sid } = await setup();
    const watcher = await watch(member, p.id);
    const log = record(watcher);
    const ids: string[] = [];
    for (const t of ["first [[slow]]", "second", "third"]) ids.push((await prompt(sid, member, t)).body.message_id);
    await nextEvent(watcher, "vibecode_response", forMessage(ids[2]!), 40_000);
    const order = log.filter((e) => e.name === "vibecode_response").map((e) => e.payload.data.message_id);
    expect(order).toEqual(ids);
  }, 30_000);
});

describe("refusals", () => {
  it("viewers and outsiders cannot prompt; bad input is refused; unknown ids are 404", async () => {
    const { p, sid } = await setup();
    expectError(await prompt(sid, viewer, "hi"), 403, "FORBIDDEN");
    expectError(await prompt(sid, outsider, "hi"), 404, "NOT_FOUND");
    expectError(await s.request("POST", `/api/v1/projects/${p.id}/sessions`, { token: viewer.token }), 403, "FORBIDDEN");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt: 42 } }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt: "   " } }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages`, { token: member.token, body: { prompt: "x".repeat(20_001) } }), 400, "VALIDATION_FAILED");
    expectError(await s.request("POST", `/api/v1/sessions/not-a-uuid/messages`, { token: member.token, body: { prompt: "hi" } }), 404, "NOT_FOUND");
    expectError(await s.request("GET", `/api/v1/sessions/00000000-0000-4000-8000-000000000000`, { token: member.token }), 404, "NOT_FOUND");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/nope/apply`, { token: member.token }), 404, "NOT_FOUND");
    expectError(await s.request("POST", `/api/v1/sessions/${sid}/messages/00000000-0000-4000-8000-000000000000/reject`, { token: member.token }), 404, "NOT_FOUND");
  });

  it("file paths never escape the workspace", async () => {
    const { p } = await setup();
    const tree = await s.request("GET", `/api/v1/projects/${p.id}/files`, { token: viewer.token });
    expect(tree.status).toBe(200);
    expect(tree.body.files).toEqual([{ path: "README.md", size: expect.any(Number) }]);
    expect(tree.body.head).toMatchObject({ sha: expect.stringMatching(/^[0-9a-f]{40}$/), subject: "Initial commit" });
    const dir = path.join(s.dataDir, "workspaces", p.id);
    symlinkSync("/etc/passwd", path.join(dir, "link"));
    for (const bad of ["../../auth_secret", "/etc/passwd", ".git/config", "link", "a/../../x", "%00"]) {
      const r = await s.request("GET", `/api/v1/projects/${p.id}/files/content?path=${encodeURIComponent(bad)}`, { token: viewer.token });
      expect([400, 404], `${bad}: ${JSON.stringify(r.body)}`).toContain(r.status);
      expect(JSON.stringify(r.body)).not.toContain("root:");
      if (bad !== "%00") expect(r.body.error.code, bad).toBe("PATH_OUTSIDE_WORKSPACE");
    }
    expectError(await s.request("GET", `/api/v1/projects/${p.id}/files/content?path=missing.txt`, { token: viewer.token }), 404, "NOT_FOUND");
    expectError(await s.request("GET", `/api/v1/projects/${p.id}/files/content`, { token: viewer.token }), 400, "VALIDATION_FAILED");
    expectError(await s.request("GET", `/api/v1/projects/${p.id}/files`, { token: outsider.token }), 404, "NOT_FOUND");
  });

  it("a workspace is cloned from a local repository inside REPO_ROOTS", async () => {
    const repo = path.join(s.dataDir, "repos", "sample");
    mkdirSync(path.join(repo, "src"), { recursive: true });
    writeFileSync(path.join(repo, "src", "index.js"), "console.log('hi');\n");
    writeFileSync(path.join(repo, "README.md"), "# Sample\n");
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "sample");
    const p = await s.createProject(owner, { repository_url: repo });
    const tree = await s.request("GET", `/api/v1/projects/${p.id}/files`, { token: owner.token });
    expect(tree.body.files.map((f: any) => f.path)).toEqual(["README.md", "src/index.js"]);
    expect(tree.body.head.subject).toBe("sample");
  });
});

describe("restart", () => {
  it("a message in flight when the server stops ends failed with a reason at the next start", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "switchboard-vibe-restart-"));
    const db = testsUsePostgres() ? await createTestDatabase() : null;
    const env = { ...llmEnv(), LLM_TIMEOUT_MS: "60000", AUTH_SECRET: "restart-secret-0123456789abcdef" };
    try {
      const one = await startServer({ dataDir, env, databaseUrl: db?.url });
      const u = await one.createUser();
      const p = await one.createProject(u);
      const sid = (await one.request("POST", `/api/v1/projects/${p.id}/sessions`, { token: u.token })).body.session_id;
      const c = await one.connect({ auth: { token: u.token } });
      await c.emitWithAck("subscribe", { project_id: p.id });
      const chunk = nextEvent(c, "vibecode_chunk", () => true, 30_000);
      const r = await one.request("POST", `/api/v1/sessions/${sid}/messages`, { token: u.token, body: { prompt: "[[hang]] until the end" } });
      await chunk;
      expect(await one.stop()).toBe(0);
      const two = await startServer({ dataDir, env, databaseUrl: db?.url });
      try {
        const msg = (await two.request("GET", `/api/v1/sessions/${sid}`, { token: u.token })).body.messages[0];
        expect(msg).toMatchObject({ id: r.body.message_id, status: "failed", error: expect.stringMatching(/server stopped/) });
        const events = (await two.request("GET", `/api/v1/projects/${p.id}/events?limit=1000`, { token: u.token })).body.events;
        expect(events.at(-1)).toMatchObject({ type: "vibecode_error", data: { message_id: r.body.message_id, code: "INTERRUPTED" } });
      } finally {
        await two.stop();
      }
    } finally {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

function expectError(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
}
