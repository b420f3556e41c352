// Vibecode sessions: a prompt becomes an LLM answer streamed to the project room, a checked patch,
// and, when a member applies it, a commit in the project's workspace.
import { errInfo, logger } from "../logger";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { AppError, notFound } from "../errors";
import { isUuid } from "../ids";
import { publish } from "../realtime/publish";
import { rooms } from "../realtime/events";
import { requireProjectRole, requireRoleForChild, type ProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { listFiles, readWorkspaceFile, sessionWorktreeDir, withWorkspaceLock } from "../workspaces/service";
import { git } from "../workspaces/git";
import { ensureSessionWorktree, sessionCommits } from "../workspaces/sessions";
import { startTestRun } from "../test-runs/service";
import { buildMessages, pickContextFiles } from "./prompt";
import { LlmError, requireLlm, streamChat, type TokenUsage } from "../llm/client";
import { checkPatch, extractDiff, type PatchFile } from "./patch";
import { enqueue, requireLlmQueueRoom } from "../llm/queue";
import { createAgentReporter } from "./agent";
import { metrics } from "../metrics";
import { fitBytes } from "../api/bounds";
import { withModelBudget } from "../budgets/service";
import type { Message, MessageStatus } from "../contract/vibecode";

const SOURCE = "vibecode_service";
const CHUNK_FLUSH_MS = 120;
const CHUNK_FLUSH_BYTES = 1024;

type MessageRow = Awaited<ReturnType<ReturnType<typeof getPrisma>["message"]["findUniqueOrThrow"]>>;

export function serializeMessage(m: MessageRow & { user?: { name: string; email: string } | null }, deciderName: string | null = null): Message {
  return {
    id: m.id,
    session_id: m.sessionId,
    user_id: m.userId,
    user_name: m.user?.name ?? null,
    prompt: m.prompt,
    reply: m.reply,
    patch: m.patch,
    files: (m.files as PatchFile[] | null) ?? [],
    status: m.status as MessageStatus,
    error: m.error,
    trace_id: m.traceId,
    model: m.model,
    token_usage:
      m.totalTokens === null ? null : { prompt_tokens: m.promptTokens ?? 0, completion_tokens: m.completionTokens ?? 0, total_tokens: m.totalTokens }, // the three are stored together
    commit_sha: m.commitSha,
    decided_by: m.decidedById,
    decided_by_name: m.decidedById ? deciderName : null,
    workflow_id: m.workflowId,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

export async function loadSession(user: PublicUser, sessionId: string, min: ProjectRole) {
  if (!isUuid(sessionId)) throw notFound("Session");
  const session = await getPrisma().session.findUnique({ where: { id: sessionId } });
  if (!session) throw notFound("Session");
  await requireRoleForChild(user, session.projectId, min, "Session");
  return session;
}

export async function createSession(user: PublicUser, projectId: string) {
  await requireProjectRole(user, projectId, "member");
  const s = await getPrisma().session.create({ data: { projectId, userId: user.id } });
  const out = { session_id: s.id, project_id: s.projectId, created_at: s.createdAt.toISOString() };
  await publish({ type: "session.created", room: rooms.project(projectId), source: SOURCE, data: { ...out, user_id: user.id, user_name: user.name } });
  return out;
}

export async function listSessions(user: PublicUser, projectId: string) {
  await requireProjectRole(user, projectId, "viewer");
  const sessions = await getPrisma().session.findMany({
    where: { projectId },
    orderBy: { updatedAt: "desc" },
    take: 100,
    include: { user: { select: { name: true } }, _count: { select: { messages: true } } },
  });
  return sessions.map((s) => ({
    id: s.id,
    project_id: s.projectId,
    title: s.title,
    user_id: s.userId,
    user_name: s.user.name,
    message_count: s._count.messages,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  }));
}

/** Messages in GET /sessions/{id} by default and at most (the newest; older ones with ?before=). */
export const SESSION_MESSAGES_DEFAULT = 100;
export const SESSION_MESSAGES_MAX = 200;

export async function getSession(user: PublicUser, sessionId: string, q: { limit?: number; before?: string } = {}) {
  const session = await loadSession(user, sessionId, "viewer");
  const prisma = getPrisma();
  const limit = Math.min(q.limit ?? SESSION_MESSAGES_DEFAULT, SESSION_MESSAGES_MAX);
  const newestFirst = await prisma.message.findMany({
    where: { sessionId, ...(q.before ? { createdAt: { lt: new Date(q.before) } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: { user: { select: { name: true, email: true } } },
  });
  // The newest `limit` messages that fit in MAX_LIST_BYTES (replies and patches can be long), oldest first.
  const fitted = fitBytes(newestFirst.slice(0, limit));
  const messages = fitted.items.reverse();
  const more = fitted.truncated || newestFirst.length > limit;
  const deciderIds = [...new Set(messages.map((m) => m.decidedById).filter((x): x is string => !!x))];
  const deciders = new Map(
    (deciderIds.length ? await prisma.user.findMany({ where: { id: { in: deciderIds } }, select: { id: true, name: true } }) : []).map((u) => [u.id, u.name]),
  );
  return {
    id: session.id,
    project_id: session.projectId,
    title: session.title,
    user_id: session.userId,
    created_at: session.createdAt.toISOString(),
    ...(await branchInfo(session)),
    messages: messages.map((m) => serializeMessage(m, m.decidedById ? (deciders.get(m.decidedById) ?? null) : null)),
    /** Older messages: GET /sessions/{id}?before=<this>; null when these are all of them. */
    next_before: more && messages.length ? messages[0]!.createdAt.toISOString() : null,
  };
}

type SessionRow = Awaited<ReturnType<typeof loadSession>>;

/** The session branch as the session page shows it: where it started, its commits, how far behind its base it is. */
async function branchInfo(session: SessionRow) {
  const dir = sessionWorktreeDir(session.projectId, session.id);
  const none = { branch: session.branch, base_branch: session.baseBranch, base_commit: session.baseCommit, head: null as string | null, commits: [] as Awaited<ReturnType<typeof sessionCommits>>, behind: 0 };
  const shipped = {
    pushed_commit: session.pushedCommit,
    pushed_at: session.pushedAt?.toISOString() ?? null,
    pull_request: session.pullRequestNumber ? { number: session.pullRequestNumber, url: session.pullRequestUrl } : null,
    test_run_ids: [] as string[],
  };
  // The session's test runs (apply and test), newest first: the page shows the latest inline, live.
  const runs = await getPrisma().testRun.findMany({ where: { sessionId: session.id }, orderBy: { createdAt: "desc" }, take: 5, select: { id: true } });
  Object.assign(shipped, { test_run_ids: runs.map((r) => r.id) });
  if (!session.branch || !session.baseCommit || !existsSync(path.join(dir, ".git"))) return { ...none, ...shipped };
  const head = (await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"])).stdout.trim() || null;
  const commits = await sessionCommits(dir, session.baseCommit);
  const behindOut = session.baseBranch ? await git(dir, ["rev-list", "--count", `HEAD..refs/heads/${session.baseBranch}`]) : null;
  return { ...none, head, commits, behind: behindOut?.code === 0 ? Number(behindOut.stdout.trim()) || 0 : 0, ...shipped };
}

/** The session branch's changes against its base: a unified diff (at most MAX_DIFF_BYTES) and per-file counts. */
export const MAX_DIFF_BYTES = 1024 * 1024;

export async function sessionDiff(user: PublicUser, sessionId: string) {
  const session = await loadSession(user, sessionId, "viewer");
  const dir = sessionWorktreeDir(session.projectId, session.id);
  if (!session.branch || !session.baseCommit || !existsSync(path.join(dir, ".git"))) {
    return { session_id: sessionId, branch: session.branch, base_commit: session.baseCommit, head: null, diff: "", truncated: false, files: [] };
  }
  const head = (await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"])).stdout.trim() || null;
  const [diff, stat] = await Promise.all([
    git(dir, ["diff", "--no-color", "--no-ext-diff", `${session.baseCommit}..HEAD`, "--"]),
    git(dir, ["diff", "--numstat", "-z", `${session.baseCommit}..HEAD`, "--"]),
  ]);
  const files = stat.stdout
    .split("\0")
    .filter(Boolean)
    .map((l) => l.split("\t"))
    .filter((p) => p.length >= 3)
    .slice(0, 5000)
    .map(([a, d, p]) => ({ path: p!, additions: Number(a) || 0, deletions: Number(d) || 0 }));
  const bytes = Buffer.from(diff.stdout);
  const truncated = bytes.length > MAX_DIFF_BYTES;
  return {
    session_id: sessionId,
    branch: session.branch,
    base_commit: session.baseCommit,
    head,
    diff: truncated ? bytes.subarray(0, MAX_DIFF_BYTES).toString("utf8") : diff.stdout,
    truncated,
    files,
  };
}

export async function postMessage(user: PublicUser, sessionId: string, prompt: string) {
  requireLlm();
  const session = await loadSession(user, sessionId, "member");
  await requireLlmQueueRoom(session.projectId);
  const prisma = getPrisma();
  const traceId = randomUUID();
  // 429 BUDGET_EXCEEDED here, before any model call, when the project's monthly budget is spent.
  const message = await withModelBudget(session.projectId, (tx) => tx.message.create({ data: { sessionId, userId: user.id, prompt, traceId, status: "pending" } }));
  if (!session.title) await prisma.session.update({ where: { id: sessionId }, data: { title: prompt.split("\n")[0]!.slice(0, 80) } });
  else await prisma.session.update({ where: { id: sessionId }, data: { updatedAt: new Date() } });
  await publish({
    type: "vibecode_request",
    room: rooms.project(session.projectId),
    source: SOURCE,
    traceId,
    data: { session_id: sessionId, message_id: message.id, prompt, user_id: user.id, user_name: user.name, status: "pending" },
  });
  enqueue(sessionId, () => runMessage(message.id));
  return { message_id: message.id, trace_id: traceId, status: "pending" as const };
}

/**
 * Streams text deltas to the project room in batches (time or size), in order. Each batch is first added to
 * the message row (`reply` holds the text so far while the message streams), then published with its
 * `offset` in that text: a page that reads the session mid-answer gets the text so far in one piece and
 * drops the live chunks it already has (offset + length ≤ what it read), so the seam has no hole and no double.
 */
function chunkBatcher(projectId: string, base: { session_id: string; message_id: string }, traceId: string) {
  let buf = "";
  let text = "";
  let seq = 0;
  let timer: NodeJS.Timeout | null = null;
  let chain = Promise.resolve();
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!buf) return chain;
    const content = buf;
    buf = "";
    const data = { ...base, seq: seq++, offset: text.length, content };
    text += content;
    const soFar = text;
    chain = chain.then(async () => {
      // Only while it still streams: a message that already ended keeps its final reply.
      await getPrisma()
        .message.updateMany({ where: { id: base.message_id, status: "streaming" }, data: { reply: soFar } })
        .catch((e) => logger().error(errInfo(e), "[vibecode] could not store the answer so far"));
      await publish({ type: "vibecode_chunk", room: rooms.project(projectId), source: SOURCE, traceId, data });
    });
    return chain;
  };
  return {
    push(delta: string) {
      buf += delta;
      if (buf.length >= CHUNK_FLUSH_BYTES) void flush();
      else timer ??= setTimeout(() => void flush(), CHUNK_FLUSH_MS);
    },
    done: () => flush(),
  };
}

async function runMessage(messageId: string) {
  const prisma = getPrisma();
  const message = await prisma.message.findUnique({ where: { id: messageId }, include: { session: true } });
  if (!message || message.status !== "pending") return;
  const { session } = message;
  const projectId = session.projectId;
  const base = { session_id: session.id, message_id: message.id };
  const agent = await createAgentReporter({ projectId, traceId: message.traceId, prompt: message.prompt, userId: message.userId });
  await prisma.message.update({ where: { id: messageId }, data: { status: "streaming", workflowId: agent.workflowId } });
  const chunks = chunkBatcher(projectId, base, message.traceId);
  try {
    await agent.thought("Reading the session branch to pick the files that matter for this request");
    const { dir, branch } = await ensureSessionWorktree(session, message.prompt);
    const fresh = await prisma.session.findUnique({ where: { id: session.id } });
    const commits = fresh?.baseCommit ? await sessionCommits(dir, fresh.baseCommit, 20) : [];
    const files = await listFiles(dir);
    const picked = pickContextFiles(message.prompt, files);
    const contents = await Promise.all(picked.map(async (f) => ({ path: f.path, content: (await readWorkspaceFile(dir, f.path)).content ?? "" })));
    const history = (
      await prisma.message.findMany({ where: { sessionId: session.id, createdAt: { lt: message.createdAt } }, orderBy: { createdAt: "asc" } })
    ).map((m) => ({ prompt: m.prompt, reply: m.reply }));
    await agent.progress(25, 1, [`${files.length} files in the workspace, ${picked.length} sent as context`]);

    const model = getConfig().openai.model;
    await agent.toolCall("llm.chat", "in_progress", `Asking ${model}`, { model, context_files: picked.map((f) => f.path) });
    const branchState = { branch, base: fresh?.baseBranch ?? null, commits: commits.map((c) => c.subject) };
    const result = await streamChat(buildMessages({ prompt: message.prompt, files, contents, history, branchState }), (d) => chunks.push(d));
    await chunks.done();
    await agent.toolCall("llm.chat", "completed", `${result.model} answered (${result.usage?.total_tokens ?? "unreported"} tokens)`);
    await agent.progress(75, 3, ["Checking the proposed patch with git apply --check"]);

    const check = await withWorkspaceLock(projectId, () => checkPatch(dir, extractDiff(result.text)));
    const usage: TokenUsage | null = result.usage;
    if (usage) {
      metrics().llmTokens.inc({ kind: "prompt" }, usage.prompt_tokens);
      metrics().llmTokens.inc({ kind: "completion" }, usage.completion_tokens);
    }
    await prisma.message.update({
      where: { id: messageId },
      data: {
        reply: result.text,
        patch: check.ok ? check.patch : null,
        files: check.ok ? check.files : [],
        status: check.ok ? "proposed" : "answered",
        error: check.ok ? null : check.error,
        model: result.model,
        promptTokens: usage?.prompt_tokens ?? null,
        completionTokens: usage?.completion_tokens ?? null,
        totalTokens: usage?.total_tokens ?? null,
      },
    });
    await publish({
      type: "vibecode_response",
      room: rooms.project(projectId),
      source: SOURCE,
      traceId: message.traceId,
      data: {
        ...base,
        reply: result.text,
        patch: check.ok ? check.patch : null,
        files: check.ok ? check.files : [],
        model: result.model,
        token_usage: usage,
        status: check.ok ? "proposed" : "answered",
        ...(check.ok ? {} : { error: check.error, error_code: check.code }),
      },
    });
    await agent.result(check.ok ? { content_type: "diff", content: check.patch } : { content_type: "text", content: result.text });
    await agent.complete({ message_id: messageId, patch: check.ok, files: check.ok ? check.files : [] });
  } catch (e) {
    await chunks.done().catch(() => {});
    const code = e instanceof LlmError ? e.code : "INTERNAL";
    const text = e instanceof LlmError ? e.message : "The answer could not be produced because of a server error";
    if (!(e instanceof LlmError)) logger().error(errInfo(e), "[vibecode] message failed");
    await failMessage(messageId, projectId, base, message.traceId, code, text);
    await agent.error(code, text).catch(() => {});
    await agent.fail(text).catch(() => {});
  }
}

async function failMessage(messageId: string, projectId: string, base: { session_id: string; message_id: string }, traceId: string, code: string, text: string) {
  await getPrisma().message.update({ where: { id: messageId }, data: { status: "failed", error: text } });
  await publish({ type: "vibecode_error", room: rooms.project(projectId), source: SOURCE, traceId, data: { ...base, code, message: text } });
}

/**
 * Messages left pending/streaming by a process that stopped end `failed` with a reason. With several
 * processes (REDIS_URL) only those untouched for longer than the LLM time limit: another live process
 * may be working on the fresher ones.
 */
export async function failInterruptedMessages(opts: { olderThanMs?: number } = {}) {
  const prisma = getPrisma();
  const cutoff = new Date(Date.now() - (opts.olderThanMs ?? 0));
  const stuck = await prisma.message.findMany({
    where: { status: { in: ["pending", "streaming"] }, updatedAt: { lte: cutoff } },
    include: { session: { select: { projectId: true } } },
  });
  for (const m of stuck) {
    const reason = "The server stopped before this answer was complete; send the prompt again";
    await failMessage(m.id, m.session.projectId, { session_id: m.sessionId, message_id: m.id }, m.traceId, "INTERRUPTED", reason);
    if (m.workflowId) {
      await prisma.workflow.updateMany({ where: { id: m.workflowId, status: "running" }, data: { status: "failed", error: reason } });
    }
  }
  return stuck.length;
}

/* ---------- apply / reject ---------- */

async function loadDecidable(user: PublicUser, sessionId: string, messageId: string) {
  const session = await loadSession(user, sessionId, "member");
  if (!isUuid(messageId)) throw notFound("Message");
  const m = await getPrisma().message.findUnique({ where: { id: messageId } });
  if (!m || m.sessionId !== sessionId) throw notFound("Message");
  if (m.status !== "proposed" || !m.patch) {
    const why = m.status === "applied" || m.status === "rejected" ? `was already ${m.status}` : m.patch ? `is ${m.status}` : "has no patch";
    throw new AppError("INVALID_TRANSITION", 409, `This message ${why}`);
  }
  return { session, m };
}

/**
 * Apply a proposed patch: a commit on the session's branch (its worktree). With `runTests`, a test run of the project's command starts right after, in the
 * prompt's trace (its events carry the message's trace_id), in the session's worktree (the run records its branch and commit).
 * No test command: 409 NO_TEST_COMMAND before anything is applied; when the run cannot start for another
 * reason (no sandbox, queue full) the patch stays applied and `test_run_error` says why.
 */
export async function applyMessage(user: PublicUser, sessionId: string, messageId: string, opts: { runTests?: boolean } = {}) {
  const { session, m } = await loadDecidable(user, sessionId, messageId);
  const projectId = session.projectId;
  if (opts.runTests) await requireRunnable(projectId);
  // The commit goes on the session's branch, in its worktree (made now for a session from before branches).
  const { dir } = await ensureSessionWorktree(session, m.prompt);
  const sha = await withWorkspaceLock(projectId, async () => {
    const check = await checkPatch(dir, m.patch);
    if (!check.ok) throw new AppError("PATCH_CONFLICT", 409, `The patch no longer applies to the workspace: ${check.error}`);
    const applied = await git(dir, ["apply", "--index", "--recount", "--whitespace=nowarn", "-"], { input: m.patch! });
    if (applied.code !== 0) throw new AppError("PATCH_CONFLICT", 409, `The patch no longer applies: ${applied.stderr.trim()}`);
    const subject = `Vibecode: ${m.prompt.split("\n")[0]!.slice(0, 72)}`;
    const author = `${user.name.replace(/[<>\n]/g, "")} <${user.email}>`;
    const commit = await git(dir, ["commit", "--quiet", "--author", author, "-m", subject, "-m", `Switchboard-Trace: ${m.traceId}`]);
    if (commit.code !== 0) {
      await git(dir, ["reset", "--hard", "--quiet", "HEAD"]);
      throw new AppError("PATCH_CONFLICT", 409, `The patch could not be committed: ${commit.stderr.trim() || commit.stdout.trim()}`);
    }
    return (await git(dir, ["rev-parse", "HEAD"])).stdout.trim();
  });
  const updated = await getPrisma().message.update({
    where: { id: messageId },
    data: { status: "applied", commitSha: sha, decidedById: user.id },
    include: { user: { select: { name: true, email: true } } },
  });
  await publish({
    type: "patch.applied",
    room: rooms.project(projectId),
    source: SOURCE,
    traceId: m.traceId,
    data: { session_id: sessionId, message_id: messageId, commit: sha, files: (m.files as PatchFile[]) ?? [], applied_by: user.id, applied_by_name: user.name },
  });
  const message = serializeMessage(updated, user.name);
  if (!opts.runTests) return message;
  // Then the project's tests on the session branch as it is now (sandboxed like every run), in the prompt's trace.
  try {
    const run = await startTestRun(user, projectId, { source: "local" }, { traceId: m.traceId, sessionId });
    return { ...message, test_run_id: run.test_run_id, job_id: run.job_id, test_run: run };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { ...message, test_run: null, test_run_error: { code: e.code, message: e.message } };
  }
}

/** Before applying with run_tests: a project without a test command is refused before the patch lands. */
async function requireRunnable(projectId: string) {
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: { testCommand: true } });
  if (!project?.testCommand) throw new AppError("NO_TEST_COMMAND", 409, "This project has no test command; apply without run_tests, or ask an owner to set one");
}

export async function rejectMessage(user: PublicUser, sessionId: string, messageId: string) {
  const { session, m } = await loadDecidable(user, sessionId, messageId);
  const updated = await getPrisma().message.update({
    where: { id: messageId },
    data: { status: "rejected", decidedById: user.id },
    include: { user: { select: { name: true, email: true } } },
  });
  await publish({
    type: "patch.rejected",
    room: rooms.project(session.projectId),
    source: SOURCE,
    traceId: m.traceId,
    data: { session_id: sessionId, message_id: messageId, rejected_by: user.id, rejected_by_name: user.name },
  });
  return serializeMessage(updated, user.name);
}
