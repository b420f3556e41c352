// The activity feed's contract, browser-safe: the kinds a feed can be filtered by, which event types start a
// feed item (the "head" of a human-level line) and which fold into an existing item's summary instead.
import { z } from "zod";
import { ZEventId, type EventType } from "../contract";

export const FEED_KINDS = ["people", "vibecode", "tests", "workflows", "agents", "github"] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

/** Event types that make a feed item, per kind. Everything else in the project room folds or is not shown. */
export const FEED_HEADS: Record<FeedKind, readonly EventType[]> = {
  people: ["member.added", "member.updated", "member.removed", "project.updated"],
  vibecode: ["session.created", "vibecode_request", "patch.applied", "patch.rejected", "ai.analysis_complete"],
  tests: ["test_run.created"],
  workflows: ["workflow.started"],
  agents: ["agent.connected", "agent.disconnected", "agent:result", "agent:error"],
  github: ["pr.created", "pr.updated", "pr.closed", "issue.created", "issue.updated", "issue.closed", "repo.push"],
};

const KIND_OF = new Map<string, FeedKind>(FEED_KINDS.flatMap((k) => FEED_HEADS[k].map((t) => [t, k] as const)));
/** The kind of a head event type; undefined for a type that folds or is not shown. */
export const feedKindOf = (type: string): FeedKind | undefined => KIND_OF.get(type);

/**
 * What a folded item's summary says. A run: its counts as test_result / test_completed arrive; a vibecode
 * message: the status its chunks / response / error / patch decision brought; a workflow: its progress.
 */
export type RunSummary = { kind: "run"; status: string; passed: number; failed: number; skipped: number; total: number | null; duration_ms: number | null; finished_at: string | null };
export type MessageSummary = { kind: "message"; status: string; files_changed: number; commit_sha: string | null };
export type WorkflowSummary = { kind: "workflow"; status: string; progress: number; current_step: number; total_steps: number | null; step_name: string | null; finished_at: string | null };
export type FeedSummary = RunSummary | MessageSummary | WorkflowSummary;

export const FEED_MAX_LIMIT = 100;
export const FEED_DEFAULT_LIMIT = 30;

export const ZFeedQuerySchema = z.object({
  before: ZEventId.optional().describe("an item's `id` (the previous page's `next_before`): only older items"),
  limit: z.coerce.number().int().min(1).max(FEED_MAX_LIMIT).default(FEED_DEFAULT_LIMIT),
  kinds: z
    .string()
    .max(200, "must be at most 200 characters")
    .optional()
    .transform((s, ctx) => {
      const list = (s ?? "").split(",").map((k) => k.trim()).filter(Boolean);
      const bad = list.filter((k) => !(FEED_KINDS as readonly string[]).includes(k));
      if (bad.length) {
        ctx.addIssue({ code: "custom", message: `unknown kind ${JSON.stringify(bad[0]!.slice(0, 40))}; kinds are ${FEED_KINDS.join(", ")}` });
        return z.NEVER;
      }
      return list.length ? ([...new Set(list)] as FeedKind[]) : [...FEED_KINDS];
    })
    .describe(`comma-separated: ${FEED_KINDS.join(", ")} (default: all)`),
});

/** A project's live status on the projects list; the browser keeps it current from the project room's events. */
export const ZProjectActivitySchema = z.object({
  last_run: z
    .object({
      id: z.string(),
      status: z.string(),
      passed: z.number().int(),
      failed: z.number().int(),
      skipped: z.number().int(),
      total: z.number().int().nullable(),
      created_at: z.string(),
      finished_at: z.string().nullable(),
    })
    .nullable()
    .describe("the newest test run (any status), null when none"),
  running_workflows: z.array(z.string()).describe("ids of the project's running workflows (at most 50)"),
  agents_online: z.array(z.string()).describe("ids of the agents assigned to the project that are not offline (at most 50)"),
  last_activity_at: z.string().nullable().describe("when the project room's newest event was published"),
});
export type ProjectActivity = z.infer<typeof ZProjectActivitySchema>;
