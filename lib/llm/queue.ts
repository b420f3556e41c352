// Model calls after the response (vibecode answers, AI reviews): one chain per key (a session's messages in
// order), and at most LLM_CONCURRENCY model calls at once. A part of the runtime: route handlers enqueue.
// Per project, at most LLM_QUEUE_PER_PROJECT model calls may wait or run (requireLlmQueueRoom).
import { errInfo, logger } from "../logger";
import { getConfig } from "../config";
import { getPrisma } from "../db";
import { AppError } from "../errors";
import { part } from "../runtime";

const RETRY_AFTER_S = 5;

/**
 * Refuse a new model call (vibecode answer or AI review) with 429 RATE_LIMITED when the project already has
 * LLM_QUEUE_PER_PROJECT of them waiting or running. Counted from the database (messages pending or
 * streaming, reviews running), so every process sees the same number.
 */
export async function requireLlmQueueRoom(projectId: string): Promise<void> {
  const limit = getConfig().llmQueuePerProject;
  const prisma = getPrisma();
  const [messages, reviews] = await Promise.all([
    prisma.message.count({ where: { status: { in: ["pending", "streaming"] }, session: { projectId } } }),
    prisma.aiReview.count({ where: { projectId, status: "running" } }),
  ]);
  const queued = messages + reviews;
  if (queued >= limit) {
    throw new AppError(
      "RATE_LIMITED",
      429,
      `This project already has ${queued} model calls waiting or running (at most ${limit}); try again when one has finished`,
      { retry_after_ms: RETRY_AFTER_S * 1000, queued, limit },
      { "Retry-After": String(RETRY_AFTER_S) },
    );
  }
}

type QueueState = { chains: Map<string, Promise<void>>; running: number; waiting: (() => void)[] };
const queue = (): QueueState => part<QueueState>("llmQueue", () => ({ chains: new Map(), running: 0, waiting: [] }));

async function acquire() {
  const q = queue();
  if (q.running < getConfig().openai.concurrency) {
    q.running++;
    return;
  }
  await new Promise<void>((resolve) => q.waiting.push(resolve));
}

function release() {
  const q = queue();
  const next = q.waiting.shift();
  if (next) next();
  else q.running--;
}

/** Run job after every earlier job of the same session, within the global concurrency limit. */
export function enqueue(sessionId: string, job: () => Promise<void>): void {
  const q = queue();
  const prev = q.chains.get(sessionId) ?? Promise.resolve();
  const run = prev.then(async () => {
    await acquire();
    try {
      await job();
    } catch (e) {
      logger().error(errInfo(e), "[llm] job failed");
    } finally {
      release();
    }
  });
  q.chains.set(sessionId, run);
  void run.then(() => q.chains.get(sessionId) === run && q.chains.delete(sessionId));
}
