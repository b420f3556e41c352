// AI review of a pull request or of a vibecode patch: the model is asked for structured suggestions (JSON that
// must match ZModelReview), each published as ai.suggestion, then ai.analysis_complete, all with the review's
// trace id; the review is stored in ai_reviews. A reply that is not a valid review ends the review `failed`.
import { errInfo, logger } from "../logger";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { getPrisma } from "../db";
import { AppError, notFound } from "../errors";
import { isUuid } from "../ids";
import { publish } from "../realtime/publish";
import { rooms, type TAiSuggestion } from "../realtime/events";
import { requireRoleForChild, type ProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";
import { LlmError, requireLlm, streamChat, type TokenUsage } from "../llm/client";
import { enqueue, requireLlmQueueRoom } from "../llm/queue";
import { workspaceDir } from "../workspaces/service";
import { git } from "../workspaces/git";
import { ZModelReview, type TReview } from "./schemas";
import { parseReviewReply } from "./parse";
import { fitBytes } from "../api/bounds";
import { withModelBudget } from "../budgets/service";

const SOURCE = "ai_review_service";
const MAX_DIFF_CHARS = 60_000;

export const REVIEW_SYSTEM_PROMPT = [
  "You are Switchboard's code reviewer. Review the change you are given and answer with ONE JSON object only, no prose:",
  '{"summary": string, "suggestions": [{"category": "optimization"|"refactor"|"bug_fix"|"security"|"performance"|"maintainability",',
  '"title": string, "description": string, "severity": "info"|"warning"|"critical", "confidence": number between 0 and 1,',
  '"suggested_action": string, "file_path": string or null, "line_number": number or null}]}.',
  "file_path is the path relative to the repository root; line_number is the line in the NEW version of the file the suggestion is about",
  "(null when the suggestion is about the change as a whole). Give at most 10 suggestions; an empty list is fine for a good change.",
].join(" ");

type ReviewRow = NonNullable<Awaited<ReturnType<ReturnType<typeof getPrisma>["aiReview"]["findUnique"]>>>;
type Target = { type: "pr" | "code"; id: string; projectId: string; sessionId: string | null; input: string };

export function serializeReview(r: ReviewRow): TReview {
  return {
    id: r.id,
    project_id: r.projectId,
    target_type: r.targetType as TReview["target_type"],
    target_id: r.targetId,
    status: r.status as TReview["status"],
    model: r.model,
    summary: r.summary,
    suggestions: (r.suggestions as TAiSuggestion[] | null) ?? [],
    token_usage: (r.tokenUsage as TokenUsage | null) ?? null,
    error: r.error,
    trace_id: r.traceId,
    created_by: r.createdBy,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/* ---------- targets ---------- */

async function loadPr(user: PublicUser, prId: string, min: ProjectRole) {
  if (!isUuid(prId)) throw notFound("Pull request");
  const pr = await getPrisma().pullRequest.findUnique({ where: { id: prId } });
  if (!pr) throw notFound("Pull request");
  await requireRoleForChild(user, pr.projectId, min, "Pull request");
  return pr;
}

async function loadMessage(user: PublicUser, sessionId: string, messageId: string, min: ProjectRole) {
  if (!isUuid(sessionId) || !isUuid(messageId)) throw notFound("Message");
  const msg = await getPrisma().message.findUnique({ where: { id: messageId }, include: { session: { select: { projectId: true } } } });
  if (!msg || msg.sessionId !== sessionId) throw notFound("Message");
  await requireRoleForChild(user, msg.session.projectId, min, "Message");
  return msg;
}

/** The PR's diff from the project's workspace when it already holds the head commit (never fetched). */
async function prDiff(projectId: string, headSha: string | null, baseBranch: string | null): Promise<string | null> {
  if (!headSha || !/^[0-9a-f]{7,64}$/i.test(headSha)) return null;
  const dir = workspaceDir(projectId);
  if (!existsSync(path.join(dir, ".git"))) return null;
  const has = await git(dir, ["cat-file", "-e", `${headSha}^{commit}`]);
  if (has.code !== 0) return null;
  let base: string | null = null;
  for (const ref of [baseBranch, "HEAD"]) {
    if (!ref || !/^[\w./-]{1,200}$/.test(ref) || ref.startsWith("-")) continue;
    const mb = await git(dir, ["merge-base", ref, headSha]);
    if (mb.code === 0 && mb.stdout.trim() && mb.stdout.trim() !== headSha) {
      base = mb.stdout.trim();
      break;
    }
  }
  const r = base ? await git(dir, ["diff", "--no-color", base, headSha]) : await git(dir, ["show", "--no-color", "--format=", headSha]);
  if (r.code !== 0 || !r.stdout.trim()) return null;
  return r.stdout.length > MAX_DIFF_CHARS ? r.stdout.slice(0, MAX_DIFF_CHARS) + "\n[diff truncated]\n" : r.stdout;
}

/* ---------- starting ---------- */

async function start(user: PublicUser, target: Target, traceId?: string) {
  await requireLlmQueueRoom(target.projectId);
  // 429 BUDGET_EXCEEDED here, before any model call, when the project's monthly budget is spent.
  const review = await withModelBudget(target.projectId, (tx) =>
    tx.aiReview.create({
      // A review of a vibecode patch belongs to the prompt's trace; a PR review starts its own.
      data: { projectId: target.projectId, targetType: target.type, targetId: target.id, status: "running", traceId: traceId ?? randomUUID(), createdBy: user.id },
    }),
  );
  enqueue(`review:${target.id}`, () => runReview(review.id, target));
  return { review_id: review.id, trace_id: review.traceId, status: "running" as const };
}

export async function reviewPullRequest(user: PublicUser, prId: string) {
  const pr = await loadPr(user, prId, "member");
  requireLlm();
  const diff = await prDiff(pr.projectId, pr.headSha, pr.baseBranch);
  const input = [
    `Review this pull request #${pr.number}: ${pr.title}`,
    `Branch: ${pr.branch}${pr.baseBranch ? ` into ${pr.baseBranch}` : ""}. Author: ${pr.author}. Status: ${pr.status}.`,
    "",
    "Description:",
    pr.body || "(none)",
    "",
    diff ? `Diff:\n\`\`\`diff\n${diff}\n\`\`\`` : "The diff is not available (the project's workspace does not hold the PR's head commit): review what the title and description say.",
  ].join("\n");
  return start(user, { type: "pr", id: pr.id, projectId: pr.projectId, sessionId: null, input });
}

export async function reviewPatch(user: PublicUser, sessionId: string, messageId: string) {
  const msg = await loadMessage(user, sessionId, messageId, "member");
  if (!msg.patch) throw new AppError("NO_PATCH", 409, "This message has no patch to review");
  requireLlm();
  const input = [`Review this patch proposed for the request: ${msg.prompt.slice(0, 2000)}`, "", "```diff", msg.patch.slice(0, MAX_DIFF_CHARS), "```"].join("\n");
  return start(user, { type: "code", id: msg.id, projectId: msg.session.projectId, sessionId, input }, msg.traceId);
}

/* ---------- running ---------- */

const RESPONSE_FORMAT = {
  type: "json_schema" as const,
  json_schema: { name: "code_review", strict: true, schema: z.toJSONSchema(ZModelReview) as Record<string, unknown> },
};

async function runReview(reviewId: string, target: Target) {
  const prisma = getPrisma();
  const room = rooms.project(target.projectId);
  const review = await prisma.aiReview.findUniqueOrThrow({ where: { id: reviewId } });
  const traceId = review.traceId;
  const base = { review_id: reviewId, target_type: target.type, target_id: target.id, session_id: target.sessionId };
  const messages = [
    { role: "system" as const, content: REVIEW_SYSTEM_PROMPT },
    { role: "user" as const, content: target.input },
  ];
  let model: string | null = null;
  let usage: TokenUsage | null = null;
  try {
    let result;
    try {
      result = await streamChat(messages, () => {}, { response_format: RESPONSE_FORMAT });
    } catch (e) {
      // Some OpenAI-compatible servers refuse response_format: ask again without it (the prompt says JSON).
      if (e instanceof LlmError && e.code === "LLM_ERROR" && /\b400\b/.test(e.message)) result = await streamChat(messages, () => {});
      else throw e;
    }
    model = result.model;
    usage = result.usage;
    const parsed = parseReviewReply(result.text);
    if (!parsed.ok) throw new LlmError("LLM_ERROR", parsed.error);
    const suggestions: TAiSuggestion[] = parsed.review.suggestions.map((sg) => ({
      suggestion_id: randomUUID(),
      target_type: target.type,
      target_id: target.id,
      category: sg.category,
      title: sg.title,
      description: sg.description,
      severity: sg.severity,
      confidence: sg.confidence,
      suggested_action: sg.suggested_action,
      metadata: { file_path: sg.file_path, line_number: sg.line_number },
    }));
    await prisma.aiReview.update({
      where: { id: reviewId },
      data: { status: "completed", model, summary: parsed.review.summary, suggestions: suggestions as object[], tokenUsage: usage ?? undefined },
    });
    for (const sg of suggestions) await publish({ type: "ai.suggestion", room, source: SOURCE, traceId, data: { ...sg, review_id: reviewId, session_id: target.sessionId } });
    await publish({
      type: "ai.analysis_complete",
      room,
      source: SOURCE,
      traceId,
      data: { ...base, status: "completed", summary: parsed.review.summary, suggestion_count: suggestions.length, model, token_usage: usage },
    });
  } catch (e) {
    const message = e instanceof LlmError ? e.message : "The review failed on the server";
    if (!(e instanceof LlmError)) logger().error(errInfo(e), "[reviews] review failed");
    await prisma.aiReview.update({ where: { id: reviewId }, data: { status: "failed", error: message, model, tokenUsage: usage ?? undefined } }).catch(() => {});
    await publish({
      type: "ai.analysis_complete",
      room,
      source: SOURCE,
      traceId,
      data: { ...base, status: "failed", summary: null, suggestion_count: 0, model, token_usage: usage, error: message },
    }).catch(() => {});
  }
}

/** Reviews left running by a stopped process end failed (called at start-up). */
export async function failInterruptedReviews({ olderThanMs }: { olderThanMs: number }): Promise<number> {
  const r = await getPrisma().aiReview.updateMany({
    where: { status: "running", createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    data: { status: "failed", error: "The server stopped during the review" },
  });
  return r.count;
}

/* ---------- reading ---------- */

export async function getReview(user: PublicUser, id: string) {
  if (!isUuid(id)) throw notFound("Review");
  const r = await getPrisma().aiReview.findUnique({ where: { id } });
  if (!r) throw notFound("Review");
  await requireRoleForChild(user, r.projectId, "viewer", "Review");
  return serializeReview(r);
}

async function listFor(projectId: string, targetType: string, targetId: string) {
  const rows = await getPrisma().aiReview.findMany({ where: { projectId, targetType, targetId }, orderBy: { createdAt: "desc" }, take: 50 });
  return fitBytes(rows.map(serializeReview)).items;
}

export async function listPrReviews(user: PublicUser, prId: string) {
  const pr = await loadPr(user, prId, "viewer");
  return listFor(pr.projectId, "pr", pr.id);
}

export async function listPatchReviews(user: PublicUser, sessionId: string, messageId: string) {
  const msg = await loadMessage(user, sessionId, messageId, "viewer");
  return listFor(msg.session.projectId, "code", msg.id);
}
