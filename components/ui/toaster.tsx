"use client";
import { CircleAlert, CircleCheck, Info, X } from "lucide-react";
import clsx from "clsx";
import { dismissToast, useToasts, type Toast } from "@/lib/client/toast";

const ICONS: Record<Toast["tone"], typeof Info> = { success: CircleCheck, error: CircleAlert, info: Info };

export function Toaster() {
  const toasts = useToasts();
  return (
    <div aria-live="polite" className="pointer-events-none fixed right-4 bottom-4 z-[60] flex w-80 flex-col gap-2">
      {toasts.map((t) => {
        const Icon = ICONS[t.tone];
        return (
          <div
            key={t.id}
            role={t.tone === "error" ? "alert" : "status"}
            data-testid="toast"
            className="pointer-events-auto flex animate-[toast-in_160ms_ease-out] items-start gap-2.5 rounded-lg border border-zinc-200 bg-white px-3 py-2.5 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
          >
            <Icon className={clsx("mt-0.5 size-4 shrink-0", t.tone === "error" ? "text-red-500" : t.tone === "success" ? "text-emerald-500" : "text-indigo-500")} />
            <p className="flex-1 text-zinc-800 dark:text-zinc-200">{t.message}</p>
            <button onClick={() => dismissToast(t.id)} aria-label="Dismiss" className="text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200">
              <X className="size-4" />
            </button>
          </div>
        );
      })}
    </div>
  );
}
