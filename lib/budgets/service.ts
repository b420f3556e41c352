// Model budgets: a project's owners set `monthly_token_budget` (tokens per calendar month, UTC; null: no
// limit). Usage is what the model API reported for the project's vibecode answers and AI reviews this month.
//
// The rule, for concurrent prompts: a model call may start only while
//     used this month + (calls in flight) × (reserve per call)  <  budget
// where the reserve per call is the project's average tokens per call this month (DEFAULT_RESERVE before
// its first). The check and the creation of the call's row (a pending message, a running review) are one
// transaction holding a lock on the project's row, so two prompts racing each other are checked one after
// the other and the second counts the first as in flight — on every process (the lock is PostgreSQL's).
// So the budget is passed by at most what the calls admitted last use beyond their reserve; never by a
// burst of calls that all saw the same "used" figure.
import { Prisma } from "../../generated/prisma/client";
import { getPrisma } from "../db";
import { AppError } from "../errors";
import { requireAction, requireProjectRole } from "../auth/permissions";
import type { PublicUser } from "../auth/users";

/** Tokens reserved per call in flight before the project has any call this month to average. */
export const DEFAULT_RESERVE = 4000;
export { MAX_MONTHLY_TOKEN_BUDGET } from "./limits";

type Tx = Prisma.TransactionClient;
type Db = Tx | ReturnType<typeof getPrisma>;

export const monthStart = (now = new Date()) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const nextMonthStart = (now = new Date()) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
/** A timestamp(3) column holds UTC without a zone: compare with the UTC wall time. */
const utcWall = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

type Totals = { prompt: bigint; completion: bigint; total: bigint; messages: bigint; reviews: bigint };

/** Tokens the model API reported this month for the project (messages and reviews), or for every project. */
async function totalsSince(db: Db, since: Date, projectId: string | null): Promise<Map<string, Totals>> {
  const rows = await db.$queryRaw<{ project_id: string; prompt: bigint | null; completion: bigint | null; total: bigint | null; messages: bigint; reviews: bigint }[]>`
    SELECT project_id::text AS project_id, SUM(p)::bigint AS prompt, SUM(c)::bigint AS completion, SUM(t)::bigint AS total,
           COUNT(*) FILTER (WHERE kind = 'm')::bigint AS messages, COUNT(*) FILTER (WHERE kind = 'r')::bigint AS reviews
    FROM (
      SELECT s.project_id, 'm' AS kind, m.prompt_tokens::bigint AS p, m.completion_tokens::bigint AS c, m.total_tokens::bigint AS t
        FROM messages m JOIN sessions s ON s.id = m.session_id
        WHERE m.total_tokens IS NOT NULL AND m.created_at >= ${utcWall(since)}::timestamp
          AND (${projectId}::uuid IS NULL OR s.project_id = ${projectId}::uuid)
      UNION ALL
      SELECT r.project_id, 'r', (r.token_usage->>'prompt_tokens')::bigint, (r.token_usage->>'completion_tokens')::bigint, (r.token_usage->>'total_tokens')::bigint
        FROM ai_reviews r
        WHERE r.token_usage IS NOT NULL AND r.token_usage->>'total_tokens' IS NOT NULL AND r.created_at >= ${utcWall(since)}::timestamp
          AND (${projectId}::uuid IS NULL OR r.project_id = ${projectId}::uuid)
    ) u
    GROUP BY project_id`;
  return new Map(rows.map((r) => [r.project_id, { prompt: BigInt(r.prompt ?? 0), completion: BigInt(r.completion ?? 0), total: BigInt(r.total ?? 0), messages: BigInt(r.messages), reviews: BigInt(r.reviews) }]));
}

/** Model calls of the project waiting or running (messages pending/streaming, reviews running). */
async function inFlight(db: Db, projectId: string): Promise<number> {
  const [messages, reviews] = await Promise.all([
    db.message.count({ where: { status: { in: ["pending", "streaming"] }, session: { projectId } } }),
    db.aiReview.count({ where: { projectId, status: "running" } }),
  ]);
  return messages + reviews;
}

/**
 * Create a model call's row (`create`) only when the project's budget allows another call (the rule above);
 * otherwise 429 BUDGET_EXCEEDED, before any model call. Without a budget it just creates the row.
 */
export async function withModelBudget<T>(projectId: string, create: (tx: Tx) => Promise<T>, now = new Date()): Promise<T> {
  return getPrisma().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ budget: bigint | null }[]>`SELECT monthly_token_budget AS budget FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
    const budget = locked[0]?.budget;
    if (budget !== null && budget !== undefined) {
      const t = (await totalsSince(tx, monthStart(now), projectId)).get(projectId);
      const used = t?.total ?? 0n;
      const calls = (t?.messages ?? 0n) + (t?.reviews ?? 0n);
      const reserve = calls > 0n ? used / calls : BigInt(DEFAULT_RESERVE);
      const flying = BigInt(await inFlight(tx, projectId));
      const reserved = flying * reserve;
      if (used + reserved >= BigInt(budget)) {
        const resets = nextMonthStart(now);
        throw new AppError(
          "BUDGET_EXCEEDED",
          429,
          flying > 0n && used < BigInt(budget)
            ? `This project's monthly token budget (${budget}) is nearly spent: ${used} tokens used and ${flying} model call(s) still running; try again when they finish, or ask an owner to raise the budget`
            : `This project has used ${used} of its ${budget} tokens this month; an owner can raise monthly_token_budget, or wait until ${resets.toISOString().slice(0, 10)}`,
          { budget: Number(budget), used: Number(used), in_flight: Number(flying), reserved: Number(reserved), resets_at: resets.toISOString() },
          { "Retry-After": String(Math.max(1, Math.ceil((resets.getTime() - now.getTime()) / 1000))) },
        );
      }
    }
    return create(tx);
  });
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

/** Every day of the month so far (UTC), oldest first, with the tokens used that day. */
async function dailyUsage(projectId: string, now: Date) {
  const since = monthStart(now);
  const rows = await getPrisma().$queryRaw<{ day: string; total: bigint | null }[]>`
    SELECT to_char(created_at, 'YYYY-MM-DD') AS day, SUM(t)::bigint AS total FROM (
      SELECT m.created_at, m.total_tokens::bigint AS t FROM messages m JOIN sessions s ON s.id = m.session_id
        WHERE s.project_id = ${projectId}::uuid AND m.total_tokens IS NOT NULL AND m.created_at >= ${utcWall(since)}::timestamp
      UNION ALL
      SELECT r.created_at, (r.token_usage->>'total_tokens')::bigint FROM ai_reviews r
        WHERE r.project_id = ${projectId}::uuid AND r.token_usage->>'total_tokens' IS NOT NULL AND r.created_at >= ${utcWall(since)}::timestamp
    ) u GROUP BY 1`;
  const by = new Map(rows.map((r) => [r.day, Number(r.total ?? 0)]));
  const days: { date: string; total_tokens: number }[] = [];
  for (let d = new Date(since); d <= now; d = new Date(d.getTime() + 86_400_000)) days.push({ date: dayKey(d), total_tokens: by.get(dayKey(d)) ?? 0 });
  return days;
}

/** GET /projects/{id}/usage: this month's usage, per day, and the budget (viewers and up). */
export async function projectUsage(user: PublicUser, projectId: string, now = new Date()) {
  await requireProjectRole(user, projectId, "project.read");
  const prisma = getPrisma();
  const [project, totals, days, flying] = await Promise.all([
    prisma.project.findUnique({ where: { id: projectId }, select: { monthlyTokenBudget: true } }),
    totalsSince(prisma, monthStart(now), projectId),
    dailyUsage(projectId, now),
    inFlight(prisma, projectId),
  ]);
  const t = totals.get(projectId);
  const total = Number(t?.total ?? 0n);
  const budget = project?.monthlyTokenBudget === null || project?.monthlyTokenBudget === undefined ? null : Number(project.monthlyTokenBudget);
  return {
    month: monthStart(now).toISOString().slice(0, 7),
    prompt_tokens: Number(t?.prompt ?? 0n),
    completion_tokens: Number(t?.completion ?? 0n),
    total_tokens: total,
    messages: Number(t?.messages ?? 0n),
    reviews: Number(t?.reviews ?? 0n),
    in_flight: flying,
    monthly_token_budget: budget,
    remaining: budget === null ? null : Math.max(0, budget - total),
    resets_at: nextMonthStart(now).toISOString(),
    days,
  };
}

/** Projects listed at most by the admin usage answer (the heaviest users first). */
export const MAX_USAGE_PROJECTS = 500;

/** GET /admin/usage: every project's usage this month and its budget (admins). */
export async function adminUsage(user: PublicUser, now = new Date()) {
  requireAction(user, "admin");
  const prisma = getPrisma();
  const totals = await totalsSince(prisma, monthStart(now), null);
  const projects = await prisma.project.findMany({ select: { id: true, name: true, monthlyTokenBudget: true }, orderBy: { createdAt: "desc" }, take: 5000 });
  const rows = projects
    .map((p) => {
      const t = totals.get(p.id);
      return {
        project_id: p.id,
        name: p.name,
        total_tokens: Number(t?.total ?? 0n),
        calls: Number((t?.messages ?? 0n) + (t?.reviews ?? 0n)),
        monthly_token_budget: p.monthlyTokenBudget === null ? null : Number(p.monthlyTokenBudget),
      };
    })
    .sort((a, b) => b.total_tokens - a.total_tokens || a.name.localeCompare(b.name));
  return {
    month: monthStart(now).toISOString().slice(0, 7),
    total_tokens: rows.reduce((n, r) => n + r.total_tokens, 0),
    projects: rows.slice(0, MAX_USAGE_PROJECTS),
    truncated: rows.length > MAX_USAGE_PROJECTS,
  };
}
