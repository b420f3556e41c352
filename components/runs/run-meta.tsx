"use client";
import { useEffect, useState, type ReactNode } from "react";
import { Bot } from "lucide-react";
import { useConnectionState } from "@/lib/client/realtime";
import { formatDuration, isFinished, type TestRun } from "@/lib/client/runs/api";
import { Badge } from "@/components/ui/badge";

/** Re-render every `ms` while `active` (a run's elapsed time). */
function useTicking(active: boolean, ms = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return now;
}

/** The final duration, or the time elapsed so far while it runs. */
export function RunDuration({ run }: { run: Pick<TestRun, "status" | "duration_ms" | "started_at"> }) {
  const running = !isFinished(run.status) && !!run.started_at;
  const now = useTicking(running);
  if (isFinished(run.status)) return <span className="tabular-nums">{formatDuration(run.duration_ms)}</span>;
  if (!run.started_at) return <span className="text-zinc-400 dark:text-zinc-500">—</span>;
  return (
    <span className="tabular-nums" title="Running for">
      {formatDuration(Math.max(0, now - Date.parse(run.started_at)))}
    </span>
  );
}

/** Who started it; external runs (posted by CI) say so. */
export function RunStarter({ run, me }: { run: Pick<TestRun, "started_by" | "started_by_name" | "source">; me: string }) {
  const who = run.started_by === me ? "You" : (run.started_by_name ?? "Someone");
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5">
      <span className="truncate">{who}</span>
      {run.source === "external" && (
        <Badge tone="violet" title="Results posted by an external CI system">
          <Bot className="size-3" />
          CI
        </Badge>
      )}
    </span>
  );
}

/** "Live" while the socket is up: the list and run update by themselves. */
export function LiveDot({ children }: { children?: ReactNode }) {
  const { state } = useConnectionState();
  const live = state === "connected";
  return (
    <span className="flex items-center gap-1.5 text-xs font-normal text-zinc-500 dark:text-zinc-400" title={live ? "Updates appear as they happen" : "Waiting for the live connection; missed updates arrive when it is back"}>
      <span className={live ? "size-1.5 rounded-full bg-emerald-500" : "size-1.5 rounded-full bg-amber-500"} />
      {children ?? (live ? "Live" : "Paused")}
    </span>
  );
}

const READERS: Record<string, string> = {
  tap: "TAP on the output (node --test on a pipe, tape, node-tap …)",
  "node-spec": "node --test's spec reporter",
  vitest: "vitest's output",
  jest: "jest's output",
  pytest: "pytest's output",
  go: "go test -v",
  "go-json": "go test -json",
  cargo: "cargo test",
  junit: "JUnit XML reports the command wrote",
};

/** What read the run's results from the command ("vitest", "tap+junit"); a dash until something did. */
export function RunReader({ run }: { run: Pick<TestRun, "reader" | "source"> }) {
  if (!run.reader) return <span className="text-zinc-400 dark:text-zinc-500">{run.source === "external" ? "posted by CI" : "—"}</span>;
  const title = run.reader
    .split("+")
    .map((r) => READERS[r] ?? r)
    .join(" and ");
  return (
    <span className="font-mono text-xs" title={`Results read from ${title}`} data-testid="run-reader">
      {run.reader}
    </span>
  );
}
