"use client";
import { formatAbsolute, formatRelative, useNow } from "@/lib/client/time";

/** "5 min. ago", kept current; the exact time on hover. */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={formatAbsolute(iso)} className={className} suppressHydrationWarning>
      {formatRelative(iso, now)}
    </time>
  );
}
