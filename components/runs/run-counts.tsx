import clsx from "clsx";

type Counts = { passed: number; failed: number; skipped: number };

/** "7 passed · 1 failed · 2 skipped", each number in its own element for tests and screen readers. */
export function RunCounts({ counts, className, size = "sm" }: { counts: Counts; className?: string; size?: "sm" | "md" }) {
  const item = (n: number, word: string, testId: string, tone: string) => (
    <span className={clsx("inline-flex items-baseline gap-1", n === 0 && "opacity-60")}>
      <span data-testid={testId} className={clsx("font-semibold tabular-nums", n > 0 && tone)}>
        {n}
      </span>
      <span className="text-zinc-500 dark:text-zinc-400">{word}</span>
    </span>
  );
  return (
    <span data-testid="run-counts" className={clsx("inline-flex flex-wrap items-baseline gap-x-3 gap-y-0.5", size === "md" ? "text-sm" : "text-xs", className)}>
      {item(counts.passed, "passed", "count-passed", "text-emerald-700 dark:text-emerald-400")}
      {item(counts.failed, "failed", "count-failed", "text-red-600 dark:text-red-400")}
      {item(counts.skipped, "skipped", "count-skipped", "text-zinc-700 dark:text-zinc-300")}
    </span>
  );
}
