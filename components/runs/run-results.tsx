"use client";
import { memo, useMemo, useState } from "react";
import { ChevronRight, ListChecks } from "lucide-react";
import clsx from "clsx";
import { countsOf, formatDuration, type ResultStatus, type TestResult } from "@/lib/client/runs/api";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { ResultIcon } from "./run-status";

type Filter = "all" | ResultStatus;
const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "failed", label: "Failed" },
  { value: "passed", label: "Passed" },
  { value: "skipped", label: "Skipped" },
];
const PAGE = 300;

function ResultRow({ result, live, defaultOpen }: { result: TestResult; live: boolean; defaultOpen: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const failed = result.status === "failed";
  const expandable = !!result.error;
  const head = (
    <>
      {expandable && <ChevronRight className={clsx("size-3.5 shrink-0 text-zinc-400 transition-transform", open && "rotate-90")} aria-hidden />}
      <ResultIcon status={result.status} className="size-4 shrink-0" />
      <span className={clsx("min-w-0 flex-1 truncate text-[13px]", failed ? "font-medium text-zinc-900 dark:text-zinc-100" : "text-zinc-700 dark:text-zinc-300")} title={result.name}>
        {result.name}
      </span>
      <span className="shrink-0 text-xs text-zinc-400 tabular-nums dark:text-zinc-500">{result.duration_ms !== null ? formatDuration(result.duration_ms) : ""}</span>
    </>
  );
  return (
    <li
      data-testid="test-result"
      data-kbd-item
      data-status={result.status}
      data-name={result.name}
      data-seq={result.seq}
      className={clsx(failed && "bg-red-50/60 dark:bg-red-500/5", live && "animate-feed-in")}
    >
      {expandable ? (
        <button
          type="button"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          className="flex w-full items-center gap-2 px-4 py-2 text-left hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
        >
          {head}
        </button>
      ) : (
        <div className="flex items-center gap-2 px-4 py-2 pl-[2.375rem]">{head}</div>
      )}
      {expandable && open && (
        <pre
          data-testid="test-result-error"
          className="mx-4 mb-2.5 ml-[2.375rem] max-h-64 overflow-auto rounded-md border border-red-200 bg-white px-3 py-2 font-mono text-xs leading-5 whitespace-pre-wrap break-words text-red-800 dark:border-red-500/20 dark:bg-zinc-950 dark:text-red-300"
        >
          {result.error}
        </pre>
      )}
    </li>
  );
}

/** Results as they finish: failures first (their errors open), then the rest in the order they ran. */
export const RunResults = memo(function RunResults({ results, running }: { results: TestResult[]; running: boolean }) {
  const counts = useMemo(() => countsOf(results), [results]);
  const [filter, setFilter] = useState<Filter>("all");
  const [limit, setLimit] = useState(PAGE);
  // Results already there when the page opened do not animate; later ones do.
  const [initial] = useState(() => new Set(results.map((r) => r.seq)));

  const ordered = useMemo(() => {
    const shown = filter === "all" ? results : results.filter((r) => r.status === filter);
    return [...shown.filter((r) => r.status === "failed"), ...shown.filter((r) => r.status !== "failed")];
  }, [results, filter]);
  const total = results.length;
  const firstFailures = useMemo(() => new Set(results.filter((r) => r.status === "failed").slice(0, 5).map((r) => r.seq)), [results]);

  const tabs = (
    <div role="group" aria-label="Show results" className="flex rounded-md bg-zinc-100 p-0.5 dark:bg-zinc-800/70">
      {FILTERS.map((f) => {
        const n = f.value === "all" ? total : counts[f.value];
        const on = filter === f.value;
        return (
          <button
            key={f.value}
            type="button"
            aria-pressed={on}
            data-testid={`result-filter-${f.value}`}
            onClick={() => {
              setFilter(f.value);
              setLimit(PAGE);
            }}
            className={clsx(
              "flex items-center gap-1 rounded px-2 py-0.5 text-xs font-medium",
              on ? "bg-white text-zinc-900 shadow-xs dark:bg-zinc-700 dark:text-zinc-100" : "text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200",
            )}
          >
            {f.label}
            <span className={clsx("tabular-nums", on ? "text-zinc-500 dark:text-zinc-300" : "text-zinc-400 dark:text-zinc-500", f.value === "failed" && n > 0 && "text-red-600 dark:text-red-400")}>{n}</span>
          </button>
        );
      })}
    </div>
  );

  let body: React.ReactNode;
  if (total === 0) {
    body = running ? (
      <EmptyState icon={<Spinner />} title="Waiting for the first result" compact>
        Each test appears here the moment it finishes.
      </EmptyState>
    ) : (
      <EmptyState icon={<ListChecks />} title="No test results were reported" compact>
        Results are read from TAP on the command&apos;s output or JUnit XML files it writes. The output on the right shows what it printed.
      </EmptyState>
    );
  } else if (ordered.length === 0) {
    body = (
      <EmptyState title={`No ${filter} tests`} compact>
        {running ? "They appear here as they finish." : "Nothing to show with this filter."}
      </EmptyState>
    );
  } else {
    body = (
      <>
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/70" data-testid="test-results" data-kbd-list>
          {ordered.slice(0, limit).map((r) => (
            <ResultRow key={r.seq} result={r} live={!initial.has(r.seq)} defaultOpen={firstFailures.has(r.seq)} />
          ))}
        </ul>
        {ordered.length > limit && (
          <div className="border-t border-zinc-100 px-4 py-2 text-center dark:border-zinc-800">
            <Button size="sm" variant="ghost" onClick={() => setLimit((l) => l + PAGE * 3)}>
              Show {Math.min(PAGE * 3, ordered.length - limit)} more of {ordered.length - limit}
            </Button>
          </div>
        )}
      </>
    );
  }

  return (
    <Card className="min-w-0">
      <CardHeader title="Results" icon={<ListChecks />} actions={tabs} />
      {body}
    </Card>
  );
});
