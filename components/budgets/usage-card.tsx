"use client";
// The project page's model usage: tokens per day this month as a small bar chart, the monthly budget and
// what is left; owners set or clear the budget here (PATCH monthly_token_budget).
import { useState, type FormEvent } from "react";
import { Coins } from "lucide-react";
import { useQueryClient } from "@tanstack/react-query";
import { keys } from "@/lib/client/keys";
import { useUpdateProject } from "@/lib/client/projects/hooks";
import { can, type Project } from "@/lib/client/types";
import { useUsage } from "@/lib/client/vibecode/hooks";
import type { Usage } from "@/lib/contract";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";

const fmt = new Intl.NumberFormat("en");
const monthName = (ym: string) => new Date(`${ym}-01T00:00:00Z`).toLocaleString("en", { month: "long", timeZone: "UTC" });

/** One bar per day of the month so far; the tallest day fills the height. */
export function UsageChart({ days }: { days: Usage["days"] }) {
  const max = Math.max(1, ...days.map((d) => d.total_tokens));
  return (
    <div className="flex h-16 items-end gap-px" role="img" aria-label={`Tokens per day: ${days.map((d) => `${d.date.slice(8)}: ${d.total_tokens}`).join(", ")}`} data-testid="usage-chart">
      {days.map((d) => (
        <div
          key={d.date}
          data-testid="usage-day"
          data-date={d.date}
          data-tokens={d.total_tokens}
          title={`${d.date}: ${fmt.format(d.total_tokens)} tokens`}
          className={d.total_tokens ? "min-h-[2px] flex-1 rounded-t-sm bg-indigo-500/80 dark:bg-indigo-400/80" : "h-px flex-1 bg-zinc-200 dark:bg-zinc-800"}
          style={d.total_tokens ? { height: `${Math.max(3, (d.total_tokens / max) * 100)}%` } : undefined}
        />
      ))}
    </div>
  );
}

function BudgetForm({ project, budget, onDone }: { project: Project; budget: number | null; onDone: () => void }) {
  const [value, setValue] = useState(budget === null ? "" : String(budget));
  const [error, setError] = useState<string | null>(null);
  const update = useUpdateProject(project.id);
  const qc = useQueryClient();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = value.trim().replace(/[,_\s]/g, "");
    if (trimmed !== "" && !/^\d+$/.test(trimmed)) return setError("A whole number of tokens, or empty for no limit");
    update.mutate(
      { monthly_token_budget: trimmed === "" ? null : Number(trimmed) },
      {
        onSuccess: () => {
          void qc.invalidateQueries({ queryKey: keys.usage(project.id) });
          onDone();
        },
        onError: (err) => setError(err.message),
      },
    );
  };
  return (
    <form onSubmit={submit} className="space-y-1.5" data-testid="budget-form">
      <label className="block text-xs font-medium text-zinc-700 dark:text-zinc-300" htmlFor="budget-input">
        Monthly token budget (empty: no limit)
      </label>
      <div className="flex gap-2">
        <input
          id="budget-input"
          inputMode="numeric"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="e.g. 500000"
          className="h-8 min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2 text-[13px] dark:border-zinc-700 dark:bg-zinc-900"
          data-testid="budget-input"
          aria-invalid={!!error}
        />
        <Button size="sm" variant="primary" type="submit" loading={update.isPending} data-testid="budget-save">
          Save
        </Button>
        <Button size="sm" onClick={onDone} disabled={update.isPending}>
          Cancel
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300" data-testid="budget-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** Model usage this month (vibecode answers and AI reviews) against the project's budget. */
export function UsageCard({ project }: { project: Project }) {
  const { data, error, isPending, refetch, isRefetching } = useUsage(project.id);
  const [editing, setEditing] = useState(false);
  const owner = can(project.role).editCode;
  let body;
  if (isPending) body = <Skeleton className="h-20 w-full" />;
  else if (!data) body = <ErrorState title="Could not load the usage" error={error} onRetry={() => void refetch()} retrying={isRefetching} />;
  else {
    const budget = data.monthly_token_budget;
    const spent = budget !== null && data.total_tokens >= budget;
    body = (
      <div className="space-y-3">
        <p className="text-[13px] text-zinc-700 dark:text-zinc-300" data-testid="usage-summary" data-total={data.total_tokens} data-budget={budget ?? undefined}>
          <span className="font-semibold tabular-nums">{fmt.format(data.total_tokens)}</span>
          {budget !== null ? <> of <span className="tabular-nums">{fmt.format(budget)}</span></> : null} tokens in {monthName(data.month)}
          <span className="text-zinc-500 dark:text-zinc-400">
            {" "}· {data.messages} {data.messages === 1 ? "answer" : "answers"}, {data.reviews} {data.reviews === 1 ? "review" : "reviews"}
          </span>
        </p>
        {budget !== null && (
          <div className="space-y-1">
            <div role="progressbar" aria-label="Budget used" aria-valuemin={0} aria-valuemax={budget} aria-valuenow={Math.min(budget, data.total_tokens)} className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200/80 dark:bg-zinc-800">
              <div className={spent ? "h-full bg-red-500" : "h-full bg-emerald-500"} style={{ width: `${budget === 0 ? 100 : Math.min(100, (data.total_tokens / budget) * 100)}%` }} />
            </div>
            <p className={`text-xs ${spent ? "text-red-700 dark:text-red-300" : "text-zinc-500 dark:text-zinc-400"}`} data-testid="usage-remaining">
              {spent ? `Budget spent: new prompts and reviews are refused until ${data.resets_at.slice(0, 10)}` : `${fmt.format(data.remaining ?? 0)} tokens left this month`}
            </p>
          </div>
        )}
        {data.total_tokens === 0 ? (
          <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="usage-empty">
            No model calls yet this month. Answers and reviews count here as the model reports their tokens.
          </p>
        ) : (
          <UsageChart days={data.days} />
        )}
        {owner &&
          (editing ? (
            <BudgetForm project={project} budget={budget} onDone={() => setEditing(false)} />
          ) : (
            <Button size="sm" variant="ghost" onClick={() => setEditing(true)} data-testid="budget-edit">
              {budget === null ? "Set a monthly budget" : "Change the budget"}
            </Button>
          ))}
      </div>
    );
  }
  return (
    <Card data-testid="usage-card">
      <CardHeader title="Model usage" icon={<Coins />} />
      <CardBody>{body}</CardBody>
    </Card>
  );
}
