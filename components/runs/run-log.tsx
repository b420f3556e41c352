"use client";
import { memo, useLayoutEffect, useRef, useState } from "react";
import { ArrowDown, ExternalLink, ScrollText } from "lucide-react";
import clsx from "clsx";
import { logUrl } from "@/lib/client/runs/api";
import type { LogLine } from "@/lib/client/runs/use-job";
import { Card, CardHeader } from "@/components/ui/card";

/** The command's output as it streams: follows the end unless you scroll up; stderr tinted. */
export const RunLog = memo(function RunLog({ runId, lines, dropped, running, queued }: { runId: string; lines: LogLine[]; dropped: number; running: boolean; queued: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const last = lines.length ? lines[lines.length - 1]!.key : "";

  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [last, follow]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atEnd !== follow) setFollow(atEnd);
  };

  const fullLog = (
    <a
      href={logUrl(runId)}
      target="_blank"
      rel="noreferrer"
      data-testid="full-log-link"
      className="inline-flex items-center gap-1 text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400"
    >
      Full log
      <ExternalLink className="size-3" />
    </a>
  );

  return (
    <Card className="flex min-w-0 flex-col">
      <CardHeader title="Output" icon={<ScrollText />} actions={fullLog} />
      <div className="relative">
        <div
          ref={box}
          onScroll={onScroll}
          data-testid="run-log"
          data-lines={lines.length}
          role="log"
          aria-live="off"
          tabIndex={0}
          className="h-[28rem] overflow-auto rounded-b-lg bg-zinc-950 px-3 py-2 font-mono text-[12px] leading-[1.15rem] text-zinc-200 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:bg-black/60"
        >
          {dropped > 0 && (
            <p className="mb-1 text-zinc-500 italic">
              … {dropped.toLocaleString("en")} earlier {dropped === 1 ? "line" : "lines"} not shown here; the full log has everything.
            </p>
          )}
          {lines.length === 0 ? (
            <p className="text-zinc-500 italic">{queued ? "The output appears here once the run starts." : running ? "Waiting for output…" : "The command printed nothing."}</p>
          ) : (
            lines.map((l) => (
              <div
                key={l.key}
                data-level={l.level}
                className={clsx("min-h-[1.15rem] whitespace-pre-wrap [overflow-wrap:anywhere]", l.level === "error" && "-mx-3 border-l-2 border-red-500/70 bg-red-500/10 px-3 pl-2.5 text-red-300")}
              >
                {l.text}
              </div>
            ))
          )}
        </div>
        {!follow && lines.length > 0 && (
          <button
            type="button"
            onClick={() => setFollow(true)}
            className="absolute right-4 bottom-3 inline-flex items-center gap-1 rounded-full bg-indigo-600 px-2.5 py-1 text-xs font-medium text-white shadow-lg hover:bg-indigo-500"
          >
            <ArrowDown className="size-3" />
            {running ? "Follow output" : "Jump to the end"}
          </button>
        )}
      </div>
    </Card>
  );
});
