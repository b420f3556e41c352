"use client";
import { Check, Copy } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import clsx from "clsx";

async function writeClipboard(text: string) {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  // Older browsers / insecure origins: a hidden textarea and execCommand.
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  ta.style.position = "fixed";
  ta.style.opacity = "0";
  document.body.appendChild(ta);
  ta.select();
  try {
    if (!document.execCommand("copy")) throw new Error("copy refused");
  } finally {
    ta.remove();
  }
}

/**
 * Copies `value` (an id, a command, a patch). Says "Copied" for a moment, in a polite live region so a
 * screen reader hears it too; a refused copy says so.
 */
export function CopyButton({ value, label, className, showLabel = false, ...rest }: { value: string; label: string; className?: string; showLabel?: boolean; "data-testid"?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const copy = async () => {
    try {
      await writeClipboard(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 2000);
  };
  const Icon = state === "copied" ? Check : Copy;
  return (
    <>
      <button
        type="button"
        onClick={() => void copy()}
        title={label}
        aria-label={label}
        data-testid={rest["data-testid"] ?? "copy-button"}
        data-state={state}
        className={clsx(
          "inline-flex shrink-0 items-center gap-1 rounded px-1 py-0.5 text-[11px] font-medium text-zinc-600 transition-colors hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
          state === "copied" && "text-emerald-700 dark:text-emerald-400",
          className,
        )}
      >
        <Icon aria-hidden className="size-3.5" />
        {showLabel && <span>{state === "copied" ? "Copied" : "Copy"}</span>}
      </button>
      <span role="status" aria-live="polite" className="sr-only" data-testid="copy-status">
        {state === "copied" ? "Copied" : state === "failed" ? "Could not copy" : ""}
      </span>
    </>
  );
}
