// Shipping a session's branch: a `git format-patch` mailbox (the whole branch, or one applied message's
// commit), a push to the project's origin (a local repository inside REPO_ROOTS, or an https remote with the
// project's push credential), and a GitHub pull request (@octokit/rest against GITHUB_API_URL) with the
// project's GitHub token. Credentials are sealed at rest (AES-256-GCM, key from AUTH_SECRET), never returned,
// never in events, and masked out of every git message shown.
import { existsSync } from "node:fs";
import path from "node:path";
import { Octokit } from "@octokit/rest";
import { getPrisma } from "../db";
import { getConfig } from "../config";
import { AppError, notFound } from "../errors";
import { isUuid } from "../ids";
import { publish } from "../realtime/publish";
import { rooms } from "../realtime/events";
import { requireProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { git } from "../workspaces/git";
import { isSafeBranchName, maskGitMessage, sessionWorktreeDir, withWorkspaceLock } from "../workspaces/service";
import { maskRepositoryUrl, parseRepositoryUrl, planFetch } from "../projects/repository-url";
import { openSecret, sealSecret } from "../github/webhook-secret";
import { githubRepoName } from "../github/repository";
import { serializePullRequest } from "../github/service";
import { loadSession } from "../vibecode/service";

const SOURCE = "ship_service";
/** A patch mailbox answered at most. */
export const MAX_PATCH_BYTES = 5 * 1024 * 1024;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/* ---------- settings: push credential, GitHub token, GitHub repository ---------- */

async function shippingView(projectId: string) {
  const p = await getPrisma().project.findUnique({ where: { id: projectId } });
  if (!p) throw notFound("Project");
  return {
    project_id: projectId,
    push_credential_set: !!p.pushCredential,
    github_token_set: !!p.githubToken,
    github_repository: p.githubRepository,
    /** Where PRs are opened: github_repository, else the GitHub repository repository_url names. */
    pull_request_repository: p.githubRepository ?? githubRepoName(p.repositoryUrl),
  };
}

export async function getShipping(user: PublicUser, projectId: string) {
  await requireProjectRole(user, projectId, "viewer");
  return shippingView(projectId);
}

export async function updateShipping(
  user: PublicUser,
  projectId: string,
  input: { push_credential?: string | null; github_token?: string | null; github_repository?: string | null },
) {
  await requireProjectRole(user, projectId, "project.configure");
  const data: Record<string, string | null> = {};
  const fields: string[] = [];
  if (input.push_credential !== undefined) {
    data.pushCredential = input.push_credential ? sealSecret(input.push_credential) : null;
    fields.push("push_credential");
  }
  if (input.github_token !== undefined) {
    data.githubToken = input.github_token ? sealSecret(input.github_token) : null;
    fields.push("github_token");
  }
  if (input.github_repository !== undefined) {
    data.githubRepository = input.github_repository ? input.github_repository.toLowerCase() : null;
    fields.push("github_repository");
  }
  if (fields.length) await getPrisma().project.update({ where: { id: projectId }, data });
  const view = await shippingView(projectId);
  // Which settings changed, never their values.
  if (fields.length) {
    await publish({ type: "project.shipping_updated", room: rooms.project(projectId), source: SOURCE, data: { ...view, fields, updated_by: user.id } });
  }
  return view;
}

/* ---------- patches ---------- */

async function loadBranch(user: PublicUser, sessionId: string, min: "viewer" | "member") {
  const session = await loadSession(user, sessionId, min);
  const dir = sessionWorktreeDir(session.projectId, session.id);
  if (!session.branch || !session.baseCommit || !isSafeBranchName(session.branch) || !existsSync(path.join(dir, ".git"))) {
    throw new AppError("NO_COMMITS", 409, "This session has no branch yet: apply a patch first");
  }
  return { session, dir, branch: session.branch, base: session.baseCommit };
}

const patchFile = (name: string) => `${name.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 100)}.patch`;

async function formatPatch(dir: string, range: string[]): Promise<string> {
  const r = await git(dir, ["format-patch", "--stdout", "--no-color", "--no-signature", "--no-ext-diff", ...range], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new AppError("INTERNAL", 500, "The patch could not be produced");
  if (Buffer.byteLength(r.stdout) > MAX_PATCH_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", 413, `The patch is larger than ${MAX_PATCH_BYTES} bytes; push the branch instead`);
  }
  return r.stdout;
}

/** GET /sessions/{id}/patch: the session's commits as one mailbox (`git am` applies it on the base). */
export async function sessionPatch(user: PublicUser, sessionId: string) {
  const { dir, branch, base } = await loadBranch(user, sessionId, "viewer");
  const count = Number((await git(dir, ["rev-list", "--count", `${base}..HEAD`])).stdout.trim()) || 0;
  if (count === 0) throw new AppError("NO_COMMITS", 409, "This session's branch has no commits yet: apply a patch first");
  return { filename: patchFile(branch), body: await formatPatch(dir, [`${base}..HEAD`, "--"]) };
}

/** GET /sessions/{id}/messages/{mid}/patch: the commit one applied message made. */
export async function messagePatch(user: PublicUser, sessionId: string, messageId: string) {
  const { dir, branch } = await loadBranch(user, sessionId, "viewer");
  if (!isUuid(messageId)) throw notFound("Message");
  const m = await getPrisma().message.findUnique({ where: { id: messageId } });
  if (!m || m.sessionId !== sessionId) throw notFound("Message");
  if (m.status !== "applied" || !m.commitSha || !SHA.test(m.commitSha)) throw new AppError("NO_COMMITS", 409, "This message was not applied: it has no commit");
  return { filename: patchFile(`${branch}-${m.commitSha.slice(0, 8)}`), body: await formatPatch(dir, ["-1", m.commitSha, "--"]) };
}

/* ---------- push ---------- */

/** Every form of a secret that could show in git's output, replaced. */
function scrub(text: string, secrets: (string | null)[]) {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return maskGitMessage(out);
}

export async function pushSession(user: PublicUser, sessionId: string) {
  const session0 = await loadSession(user, sessionId, "member");
  const prisma = getPrisma();
  const project = await prisma.project.findUnique({ where: { id: session0.projectId } });
  if (!project) throw notFound("Project");
  if (!project.repositoryUrl) throw new AppError("NO_REMOTE", 409, "This project has no repository_url to push to");
  const remote = maskRepositoryUrl(project.repositoryUrl)!;
  let kind: "local" | "remote";
  try {
    kind = parseRepositoryUrl(project.repositoryUrl).kind;
  } catch (e) {
    const d = (e as AppError).details as { message: string }[] | undefined;
    throw new AppError("REMOTE_NOT_ALLOWED", 422, `The project's origin does not accept pushes from here: repository_url ${d?.[0]?.message ?? "is not allowed"}`);
  }
  const credential = kind === "remote" ? openSecret(project.pushCredential) : null;
  if (kind === "remote" && !credential) {
    throw new AppError("PUSH_CREDENTIAL_MISSING", 409, "Pushing to this https origin needs a push credential; an owner can set one in the project's shipping settings");
  }
  let plan;
  try {
    plan = await planFetch(project.repositoryUrl);
  } catch (e) {
    throw new AppError("REMOTE_NOT_ALLOWED", 422, `The project's origin does not accept pushes from here: ${maskGitMessage((e as Error).message)}`);
  }
  const { session, dir, branch, base } = await loadBranch(user, sessionId, "member");
  const head = (await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"])).stdout.trim();
  if (!head || head === base) throw new AppError("NO_COMMITS", 409, "This session's branch has no commits yet: apply a patch first");
  const config: [string, string][] = [];
  let target: string;
  if (plan.kind === "local") {
    config.push(["protocol.file.allow", "always"]);
    target = plan.path;
  } else {
    // The credential goes in a header (command-line scope, through the environment: never in argv, never in
    // the URL git may print); credentials written into repository_url are dropped for the push.
    const u = new URL(plan.url);
    u.username = "";
    u.password = "";
    target = u.toString();
    const basic = Buffer.from(`x-access-token:${credential}`).toString("base64");
    config.push(["protocol.https.allow", "always"], ["http.curloptResolve", plan.pin], ["http.extraHeader", `Authorization: Basic ${basic}`]);
  }
  const r = await withWorkspaceLock(session.projectId, () =>
    git(dir, ["push", "--quiet", "--porcelain", "--", target, `refs/heads/${branch}:refs/heads/${branch}`], {
      timeoutMs: getConfig().git.cloneTimeoutMs,
      config,
      env: { GIT_ALLOW_PROTOCOL: plan.kind === "local" ? "file" : "https" },
    }),
  );
  if (r.code !== 0) {
    const why = scrub((r.stderr.trim() || r.stdout.trim()).split("\n").slice(-3).join("; "), [credential, credential ? Buffer.from(`x-access-token:${credential}`).toString("base64") : null]);
    throw new AppError("PUSH_REJECTED", 409, `The origin refused the push: ${why || `git exited with ${r.code}`}`);
  }
  await prisma.session.update({ where: { id: session.id }, data: { pushedCommit: head, pushedAt: new Date() } });
  await publish({
    type: "session.pushed",
    room: rooms.project(session.projectId),
    source: SOURCE,
    data: { session_id: session.id, branch, commit: head, remote, pushed_by: user.id, pushed_by_name: user.name },
  });
  return { branch, commit: head, remote };
}

/* ---------- pull request ---------- */

export async function openPullRequest(user: PublicUser, sessionId: string, input: { title?: string; body?: string; draft?: boolean }) {
  const { session, branch } = await loadBranch(user, sessionId, "member");
  const prisma = getPrisma();
  const project = await prisma.project.findUnique({ where: { id: session.projectId } });
  if (!project) throw notFound("Project");
  if (session.pullRequestNumber) {
    throw new AppError("PULL_REQUEST_EXISTS", 409, `This session already has pull request #${session.pullRequestNumber}`, { number: session.pullRequestNumber, url: session.pullRequestUrl });
  }
  if (!session.pushedCommit) throw new AppError("NOT_PUSHED", 409, "Push the session's branch first (POST /api/v1/sessions/{id}/push)");
  const repo = project.githubRepository ?? githubRepoName(project.repositoryUrl);
  if (!repo) throw new AppError("NO_GITHUB_REPOSITORY", 409, "This project names no GitHub repository; an owner can set github_repository in the shipping settings");
  const token = openSecret(project.githubToken);
  if (!token) throw new AppError("GITHUB_TOKEN_MISSING", 409, "Opening pull requests needs the project's GitHub token; an owner can set it in the shipping settings");
  const [owner, name] = repo.split("/") as [string, string];
  const title = (input.title?.trim() || session.title || branch).slice(0, 256);
  const body = input.body ?? `Opened from Switchboard session ${session.id} (branch \`${branch}\`).`;
  const octokit = new Octokit({ auth: token, baseUrl: getConfig().githubApiUrl, userAgent: "switchboard", request: { timeout: 20_000 } });
  let pr;
  try {
    pr = (await octokit.rest.pulls.create({ owner, repo: name, head: branch, base: session.baseBranch ?? "main", title, body, draft: input.draft ?? false })).data;
  } catch (e) {
    const status = (e as { status?: number }).status;
    const message = scrub(String((e as Error).message ?? e), [token]).slice(0, 500);
    if (status === 401 || status === 403) throw new AppError("GITHUB_UNAUTHORIZED", 422, `GitHub refused the project's token (${status}): ${message}`);
    if (status && status >= 400 && status < 500) throw new AppError("GITHUB_REJECTED", 422, `GitHub refused the pull request (${status}): ${message}`);
    throw new AppError("GITHUB_UNAVAILABLE", 502, `GitHub could not be reached: ${message}`);
  }
  const data = {
    title: String(pr.title).slice(0, 1000),
    body: String(pr.body ?? "").slice(0, 65_536),
    author: pr.user?.login ?? user.name,
    branch: pr.head?.ref ?? branch,
    baseBranch: pr.base?.ref ?? session.baseBranch,
    headSha: pr.head?.sha ?? session.pushedCommit,
    url: pr.html_url,
    status: "open",
    ghCreatedAt: pr.created_at ? new Date(pr.created_at) : new Date(),
  };
  const row = await prisma.pullRequest.upsert({
    where: { projectId_number: { projectId: project.id, number: pr.number } },
    create: { projectId: project.id, number: pr.number, ...data },
    update: data,
  });
  await prisma.session.update({ where: { id: session.id }, data: { pullRequestNumber: pr.number, pullRequestUrl: pr.html_url } });
  await publish({ type: "pr.created", room: rooms.project(project.id), source: SOURCE, data: { ...serializePullRequest(row), action: "opened", sender: data.author } });
  await publish({
    type: "session.pull_request",
    room: rooms.project(project.id),
    source: SOURCE,
    data: { session_id: session.id, number: pr.number, url: pr.html_url, title: data.title, branch, opened_by: user.id, opened_by_name: user.name },
  });
  return { number: pr.number, url: pr.html_url, title: data.title, branch, base: data.baseBranch };
}
