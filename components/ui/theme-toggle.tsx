"use client";
import { Monitor, Moon, Sun } from "lucide-react";
import clsx from "clsx";
import { setThemeChoice, useThemeChoice } from "@/lib/client/theme";
import type { ThemeChoice } from "@/lib/theme-script";

const CHOICES: { value: ThemeChoice; label: string; Icon: typeof Sun }[] = [
  { value: "system", label: "System theme", Icon: Monitor },
  { value: "light", label: "Light theme", Icon: Sun },
  { value: "dark", label: "Dark theme", Icon: Moon },
];

/** System / light / dark, remembered by the browser (localStorage). */
export function ThemeToggle({ className }: { className?: string }) {
  const choice = useThemeChoice();
  return (
    <div role="group" aria-label="Theme" data-testid="theme-toggle" className={clsx("inline-flex items-center gap-0.5 rounded-full p-0.5 ring-1 ring-zinc-300 ring-inset dark:ring-zinc-700", className)}>
      {CHOICES.map(({ value, label, Icon }) => (
        <button
          key={value}
          type="button"
          title={label}
          aria-label={label}
          aria-pressed={choice === value}
          data-testid={`theme-${value}`}
          onClick={() => setThemeChoice(value)}
          suppressHydrationWarning
          className={clsx(
            "flex size-6 items-center justify-center rounded-full transition-colors",
            choice === value
              ? "bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-300 dark:bg-zinc-700 dark:text-zinc-50 dark:ring-zinc-600"
              : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-zinc-50",
          )}
        >
          <Icon aria-hidden className="size-3.5" />
        </button>
      ))}
    </div>
  );
}
