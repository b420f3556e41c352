"use client";
import { useState } from "react";
import { Brain, ChevronRight, CircleCheck, TriangleAlert, Wrench } from "lucide-react";
import clsx from "clsx";
import type { AnyEnvelope } from "@/lib/contract";
import { RelativeTime } from "@/components/ui/relative-time";

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v, null, 2));

function Collapsible({ label, children, testId }: { label: string; children: React.ReactNode; testId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} data-testid={testId} className="inline-flex items-center gap-1 text-xs font-medium text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">
        <ChevronRight className={clsx("size-3 transition-transform", open && "rotate-90")} />
        {label}
      </button>
      {open && <pre className="mt-1 max-h-64 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap text-zinc-700 dark:bg-zinc-950 dark:text-zinc-300">{children}</pre>}
    </div>
  );
}

/** One agent:* event, written for a person following the agent: thoughts as text, tool calls folded. */
export function AgentEvent({ env }: { env: AnyEnvelope }) {
  const d = env.data as Data;
  let icon: React.ReactNode;
  let body: React.ReactNode;
  let tone = "text-zinc-800 dark:text-zinc-200";
  switch (env.type) {
    case "agent:thought":
      icon = <Brain className="size-3.5 text-violet-500" />;
      body = <p className="text-[13px] whitespace-pre-wrap italic">{str(d.content)}</p>;
      break;
    case "agent:tool_call":
      icon = <Wrench className="size-3.5 text-sky-600" />;
      body = (
        <div className="space-y-1">
          <p className="text-[13px]">
            <code className="rounded bg-zinc-100 px-1 font-mono text-xs dark:bg-zinc-800" data-testid="tool-name">
              {str(d.tool_name)}
            </code>{" "}
            <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="tool-status">
              {str(d.status)}
            </span>
            {d.message ? <span className="ml-1.5">{str(d.message)}</span> : null}
          </p>
          {d.arguments !== undefined && d.arguments !== null && <Collapsible label="Arguments" testId="tool-arguments-toggle">{str(d.arguments)}</Collapsible>}
        </div>
      );
      break;
    case "agent:result":
      icon = <CircleCheck className="size-3.5 text-emerald-600" />;
      body = (
        <div className="space-y-1">
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Result · {str(d.status)} {d.content_type ? `· ${str(d.content_type)}` : ""}
          </p>
          <pre className="max-h-72 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:bg-zinc-950">{str(d.content)}</pre>
        </div>
      );
      break;
    case "agent:error":
      icon = <TriangleAlert className="size-3.5 text-red-600" />;
      tone = "text-red-700 dark:text-red-300";
      body = (
        <div className="space-y-1">
          <p className="text-[13px] font-medium">
            {d.code ? <code className="mr-1.5 font-mono text-xs">{str(d.code)}</code> : null}
            {str(d.message)}
          </p>
          {d.details !== undefined && d.details !== null && <Collapsible label="Details" testId="error-details-toggle">{str(d.details)}</Collapsible>}
        </div>
      );
      break;
    default:
      return null;
  }
  return (
    <li data-testid="agent-event" data-type={env.type} data-event-id={env.id} className={clsx("flex gap-2.5 py-2", tone, env.type === "agent:error" && "rounded bg-red-50/70 px-2 dark:bg-red-500/10")}>
      <span className="mt-0.5 shrink-0">{icon}</span>
      <div className="min-w-0 flex-1">{body}</div>
      <RelativeTime iso={env.timestamp} className="shrink-0 text-[11px] text-zinc-400" />
    </li>
  );
}
