// A trace's envelopes → timeline items: the model's stream as one span (duration, chunks, tokens), a test run
// as one span with its results, a workflow as one span, a review with its suggestions, the rest as points.
import type { AnyEnvelope as Envelope } from "@/lib/contract";

type D = Record<string, unknown>;

export type TimelineItem = {
  key: string;
  kind: "stream" | "run" | "workflow" | "review" | "event";
  title: string;
  detail: string;
  start: number;
  /** null: still going. Points have end === start. */
  end: number | null;
  status: "running" | "ok" | "failed" | "neutral";
  href?: string;
  /** A run's results, in order. */
  results?: { seq: number; name: string; status: string; duration_ms: number | null }[];
  eventIds: string[];
};

const t = (env: Envelope) => Date.parse(env.timestamp);
const str = (v: unknown) => (typeof v === "string" ? v : "");
const num = (v: unknown) => (typeof v === "number" ? v : 0);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const EVENT_TITLES: Record<string, string> = {
  "patch.applied": "Patch applied",
  "patch.rejected": "Patch rejected",
  "agent:thought": "Agent thought",
  "agent:tool_call": "Agent tool call",
  "agent:result": "Agent result",
  "agent:error": "Agent error",
  vibecode_error: "Model error",
};

export function buildTimeline(envs: Envelope[], projectId: string): TimelineItem[] {
  const sorted = [...envs].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
  const groups = new Map<string, TimelineItem>();
  const items: TimelineItem[] = [];
  const group = (key: string, make: () => TimelineItem) => {
    let g = groups.get(key);
    if (!g) {
      g = make();
      groups.set(key, g);
      items.push(g);
    }
    return g;
  };
  for (const env of sorted) {
    const d = env.data as D;
    const at = t(env);
    switch (env.type) {
      case "vibecode_request":
      case "vibecode_chunk":
      case "vibecode_response": {
        const g = group(`stream:${str(d.message_id)}`, () => ({
          key: `stream:${str(d.message_id)}`,
          kind: "stream",
          title: "Model answer",
          detail: "",
          start: at,
          end: null,
          status: "running",
          href: `/projects/${projectId}/sessions/${str(d.session_id)}`,
          eventIds: [],
        }));
        g.eventIds.push(env.id);
        if (env.type === "vibecode_request") g.detail = `Prompt by ${str(d.user_name)}: ${str(d.prompt).slice(0, 140)}`;
        if (env.type === "vibecode_chunk") {
          const chunks = g.eventIds.length - 1;
          g.detail = g.detail.replace(/ · streaming.*$/, "") + ` · streaming (${plural(chunks, "chunk")})`;
        }
        if (env.type === "vibecode_response") {
          g.end = at;
          const usage = d.token_usage as { total_tokens?: number; prompt_tokens?: number; completion_tokens?: number } | null;
          const files = Array.isArray(d.files) ? d.files.length : 0;
          g.status = d.error ? "failed" : "ok";
          g.title = d.status === "proposed" ? "Model answer with a patch" : "Model answer";
          g.detail = [
            str(d.model),
            usage ? `${usage.total_tokens} tokens (${usage.prompt_tokens} in, ${usage.completion_tokens} out)` : "tokens not reported",
            d.status === "proposed" ? `patch: ${files} file${files === 1 ? "" : "s"}` : "no patch",
            plural(Math.max(g.eventIds.length - 2, 0), "chunk"),
          ]
            .filter(Boolean)
            .join(" · ");
        }
        break;
      }
      case "test_run.created":
      case "test_started":
      case "test_result":
      case "test_completed": {
        const id = str(d.test_run_id);
        const g = group(`run:${id}`, () => ({
          key: `run:${id}`,
          kind: "run",
          title: "Test run",
          detail: "",
          start: at,
          end: null,
          status: "running",
          href: `/projects/${projectId}/runs/${id}`,
          results: [],
          eventIds: [],
        }));
        g.eventIds.push(env.id);
        if (env.type === "test_run.created") g.detail = str(d.command) || str(d.name) || "";
        if (env.type === "test_result") g.results!.push({ seq: num(d.seq), name: str(d.name), status: str(d.status), duration_ms: (d.duration_ms as number | null) ?? null });
        if (env.type === "test_completed") {
          g.end = at;
          g.status = d.status === "passed" ? "ok" : d.status === "cancelled" ? "neutral" : "failed";
          g.title = `Test run ${str(d.status)}`;
          g.detail = `${num(d.passed)} passed · ${num(d.failed)} failed · ${num(d.skipped)} skipped`;
        }
        break;
      }
      case "workflow.started":
      case "workflow.progress":
      case "workflow.completed":
      case "workflow.failed": {
        const id = str(d.workflow_id);
        const g = group(`workflow:${id}`, () => ({
          key: `workflow:${id}`,
          kind: "workflow",
          title: `Workflow ${str(d.name)}`,
          detail: "",
          start: at,
          end: null,
          status: "running",
          href: `/projects/${projectId}/workflows/${id}`,
          eventIds: [],
        }));
        g.eventIds.push(env.id);
        g.detail = `${num(d.progress)}%${d.step_name ? ` · ${str(d.step_name)}` : ""}`;
        if (env.type === "workflow.completed" || env.type === "workflow.failed") {
          g.end = at;
          g.status = env.type === "workflow.completed" ? "ok" : "failed";
          g.detail = env.type === "workflow.failed" ? `failed: ${str(d.error)}` : "completed";
        } else if (d.status && d.status !== "running") {
          g.end = at;
          g.status = "failed";
          g.detail = str(d.status);
        }
        break;
      }
      case "ai.suggestion":
      case "ai.analysis_complete": {
        const id = str(d.review_id);
        const g = group(`review:${id}`, () => ({ key: `review:${id}`, kind: "review", title: "AI review", detail: "", start: at, end: null, status: "running", eventIds: [] }));
        g.eventIds.push(env.id);
        if (env.type === "ai.analysis_complete") {
          g.end = at;
          g.status = d.status === "completed" ? "ok" : "failed";
          g.detail = `${num(d.suggestion_count)} suggestion${num(d.suggestion_count) === 1 ? "" : "s"}${d.summary ? ` · ${str(d.summary).slice(0, 140)}` : ""}`;
        } else g.detail = `${g.eventIds.length} suggestion${g.eventIds.length === 1 ? "" : "s"} so far`;
        break;
      }
      default: {
        const detail =
          env.type === "patch.applied"
            ? `commit ${str(d.commit).slice(0, 10)} by ${str(d.applied_by_name)}`
            : env.type === "patch.rejected"
              ? `by ${str(d.rejected_by_name)}`
              : str(d.content) || str(d.tool_name) || str(d.message) || "";
        items.push({
          key: `event:${env.id}`,
          kind: "event",
          title: EVENT_TITLES[env.type] ?? env.type,
          detail: detail.slice(0, 200),
          start: at,
          end: at,
          status: env.type === "vibecode_error" || env.type === "agent:error" ? "failed" : "neutral",
          eventIds: [env.id],
        });
      }
    }
  }
  return items;
}
