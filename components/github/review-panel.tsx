"use client";
import { AlertTriangle, Info, OctagonAlert, Sparkles } from "lucide-react";
import clsx from "clsx";
import { isApiError } from "@/lib/client/api";
import { useReviews, useStartReview } from "@/lib/client/github/hooks";
import { type Review, type ReviewTarget, type Suggestion } from "@/lib/client/github/types";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/spinner";

const SEVERITY = {
  info: { tone: "indigo", Icon: Info },
  warning: { tone: "amber", Icon: AlertTriangle },
  critical: { tone: "red", Icon: OctagonAlert },
} as const;

/** One suggestion: severity, category, title, description, what to do, where. */
export function SuggestionCard({ s, compact = false }: { s: Suggestion; compact?: boolean }) {
  const { tone, Icon } = SEVERITY[s.severity];
  const where = s.metadata.file_path ? `${s.metadata.file_path}${s.metadata.line_number ? `:${s.metadata.line_number}` : ""}` : null;
  return (
    <div
      data-testid="ai-suggestion"
      data-severity={s.severity}
      data-line={s.metadata.line_number ?? undefined}
      className={clsx("rounded-md border border-zinc-200 bg-white px-3 py-2 text-[13px] dark:border-zinc-700 dark:bg-zinc-900", compact && "my-1")}
    >
      <div className="flex flex-wrap items-center gap-1.5">
        <Badge tone={tone}>
          <Icon className="size-3" />
          {s.severity}
        </Badge>
        <Badge>{s.category.replace("_", " ")}</Badge>
        <span className="font-medium text-zinc-900 dark:text-zinc-100">{s.title}</span>
        <span className="ml-auto text-[11px] text-zinc-400 tabular-nums" title="confidence">
          {Math.round(s.confidence * 100)}%
        </span>
      </div>
      <p className="mt-1 text-zinc-600 dark:text-zinc-400">{s.description}</p>
      {s.suggested_action && <p className="mt-1 text-zinc-700 dark:text-zinc-300">→ {s.suggested_action}</p>}
      {where && !compact && <p className="mt-1 font-mono text-[11px] text-zinc-500">{where}</p>}
    </div>
  );
}

function reviewError(e: unknown): string {
  if (isApiError(e) && e.code === "LLM_NOT_CONFIGURED") return "No language model is configured on the server (OPENAI_API_KEY).";
  if (isApiError(e, 403)) return "Only members and owners can ask for a review.";
  return e instanceof Error ? e.message : "The review could not be started.";
}

/** The newest review of a target and the button that starts one; progress while it runs. */
export function useLatestReview(projectId: string | null, target: ReviewTarget) {
  const q = useReviews(projectId, target);
  const start = useStartReview(target);
  const latest: Review | undefined = q.data?.[0];
  const running = start.isPending || latest?.status === "running";
  return { latest, running, start, error: start.error ? reviewError(start.error) : null, isPending: q.isPending };
}

export function ReviewButton({ running, onClick, canAct }: { running: boolean; onClick: () => void; canAct: boolean }) {
  if (!canAct) return null;
  return (
    <Button size="sm" variant="secondary" onClick={onClick} loading={running} data-testid="review-button">
      {!running && <Sparkles className="size-3.5" />}
      {running ? "Reviewing…" : "Review with AI"}
    </Button>
  );
}

export function ReviewStatus({ latest, running, error }: { latest: Review | undefined; running: boolean; error: string | null }) {
  if (error) return <p className="text-xs text-red-600 dark:text-red-400" role="alert">{error}</p>;
  if (running)
    return (
      <p data-testid="review-progress" className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
        <Spinner className="size-3" /> The model is reviewing…
      </p>
    );
  if (!latest) return null;
  if (latest.status === "failed")
    return (
      <p data-testid="review-failed" className="text-xs text-red-600 dark:text-red-400" role="alert">
        Review failed: {latest.error ?? "unknown error"}
      </p>
    );
  return (
    <p data-testid="review-summary" className="text-xs text-zinc-600 dark:text-zinc-400">
      <Sparkles className="mr-1 inline size-3 text-violet-500" />
      {latest.summary} <span className="text-zinc-400">({latest.suggestions.length} suggestion{latest.suggestions.length === 1 ? "" : "s"}{latest.model ? ` · ${latest.model}` : ""}{latest.token_usage ? ` · ${latest.token_usage.total_tokens} tokens` : ""})</span>
    </p>
  );
}

/** A PR's review: button, progress, summary and the suggestions as a list. */
export function PrReviewPanel({ projectId, prId, canAct }: { projectId: string; prId: string; canAct: boolean }) {
  const { latest, running, start, error } = useLatestReview(projectId, { type: "pr", id: prId });
  return (
    <div className="space-y-2" data-testid="pr-review">
      <div className="flex flex-wrap items-center gap-2">
        <ReviewButton running={running} onClick={() => start.mutate()} canAct={canAct} />
        <ReviewStatus latest={latest} running={running} error={error} />
      </div>
      {latest && latest.suggestions.length > 0 && (
        <div className="space-y-1.5">
          {latest.suggestions.map((s) => (
            <SuggestionCard key={s.suggestion_id} s={s} />
          ))}
        </div>
      )}
    </div>
  );
}

/** A vibecode patch with its AI review: the button in the diff's toolbar, suggestions inline on the diff. */
export function ReviewablePatch({ sessionId, messageId, patch, canAct, className, render }: {
  sessionId: string;
  messageId: string;
  patch: string;
  canAct: boolean;
  className?: string;
  render: (p: { patch: string; className?: string; suggestions: Suggestion[]; toolbar: React.ReactNode }) => React.ReactNode;
}) {
  const { latest, running, start, error } = useLatestReview(null, { type: "code", id: messageId, sessionId });
  const suggestions = latest?.status === "completed" || latest?.status === "running" ? latest.suggestions : [];
  return (
    <div className="space-y-1.5" data-testid="patch-review" data-review-status={running ? "running" : latest?.status ?? "none"}>
      {render({ patch, className, suggestions, toolbar: <ReviewButton running={running} onClick={() => start.mutate()} canAct={canAct} /> })}
      <ReviewStatus latest={latest} running={running} error={error} />
    </div>
  );
}
