"use client";
import clsx from "clsx";

export type StatusFilterValue = "active" | "archived" | "all";
const OPTIONS: { value: StatusFilterValue; label: string }[] = [
  { value: "active", label: "Active" },
  { value: "archived", label: "Archived" },
  { value: "all", label: "All" },
];

export function StatusFilter({ value, counts, onChange }: { value: StatusFilterValue; counts: Record<StatusFilterValue, number>; onChange: (v: StatusFilterValue) => void }) {
  return (
    <div role="radiogroup" aria-label="Show projects" className="inline-flex rounded-md border border-zinc-200 bg-white p-0.5 shadow-xs dark:border-zinc-800 dark:bg-zinc-900" data-testid="status-filter">
      {OPTIONS.map((o) => (
        <button
          key={o.value}
          role="radio"
          aria-checked={value === o.value}
          data-value={o.value}
          onClick={() => onChange(o.value)}
          className={clsx(
            "flex h-7 items-center gap-1.5 rounded px-2.5 text-[13px] font-medium transition-colors",
            value === o.value ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100" : "text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
          )}
        >
          {o.label}
          <span className="text-xs text-zinc-400 tabular-nums dark:text-zinc-500">{counts[o.value]}</span>
        </button>
      ))}
    </div>
  );
}
