"use client";
import { useState } from "react";
import { Check, Copy } from "lucide-react";
import { formatAbsolute } from "@/lib/client/time";
import { Button } from "@/components/ui/button";

/** A one-time link shown once (its secret is not stored): copy it and hand it over. */
export function OneTimeLink({ url, expiresAt, what }: { url: string; expiresAt: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-[13px] dark:border-amber-800 dark:bg-amber-950/40" data-testid="one-time-link">
      <p className="text-amber-900 dark:text-amber-200">
        Copy this {what} now: it is shown only once, works once, and expires {formatAbsolute(expiresAt)}.
      </p>
      <div className="flex gap-2">
        <input readOnly value={url} aria-label={`${what} URL`} data-testid="one-time-link-url" className="h-8 min-w-0 flex-1 rounded border border-zinc-300 bg-white px-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900" onFocus={(e) => e.currentTarget.select()} />
        <Button type="button" size="sm" onClick={() => void navigator.clipboard?.writeText(url).then(() => setCopied(true), () => setCopied(false))}>
          {copied ? <Check className="size-3.5" /> : <Copy className="size-3.5" />}
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}
