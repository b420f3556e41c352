"use client";
import { memo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { Check, CircleAlert, GitCommitHorizontal, Sparkles, TriangleAlert, X } from "lucide-react";
import clsx from "clsx";
import { isApiError } from "@/lib/client/api";
import type { MessageView } from "@/lib/client/vibecode/api";
import { isInFlight, refetchSession } from "@/lib/client/vibecode/cache";
import { useDecide } from "@/lib/client/vibecode/hooks";
import { Avatar } from "@/components/shell/user-menu";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { CopyButton } from "@/components/ui/copy-button";
import { MessageStatusBadge } from "./message-status";
import { PatchDiff } from "./patch-diff";
import { ReviewablePatch } from "@/components/github/review-panel";
import { ReplyText } from "./reply-text";

const fmt = new Intl.NumberFormat("en");

function TypingDots() {
  return (
    <span className="inline-flex items-center gap-0.5" aria-hidden>
      {[0, 1, 2].map((i) => (
        <span key={i} className="size-1.5 animate-bounce rounded-full bg-indigo-500 dark:bg-indigo-400" style={{ animationDelay: `${i * 140}ms` }} />
      ))}
    </span>
  );
}

function Notice({ tone, children, ...rest }: { tone: "red" | "amber"; children: React.ReactNode; "data-testid"?: string; "data-code"?: string }) {
  const Icon = tone === "red" ? CircleAlert : TriangleAlert;
  return (
    <div
      role={tone === "red" ? "alert" : undefined}
      className={clsx(
        "flex gap-2 rounded-md border px-3 py-2 text-[13px]",
        tone === "red"
          ? "border-red-200 bg-red-50 text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200"
          : "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200",
      )}
      {...rest}
    >
      <Icon className="mt-0.5 size-4 shrink-0" />
      <div className="min-w-0 break-words">{children}</div>
    </div>
  );
}

type DecideError = { code: string; title: string; detail?: string };

function decideError(e: unknown): DecideError {
  if (isApiError(e)) {
    if (e.code === "PATCH_CONFLICT") {
      return {
        code: e.code,
        title: "This patch no longer applies to the workspace",
        detail: `The files it changes were modified since it was proposed (another patch was applied). Ask again for a fresh patch, or reject this one. Git said: ${e.message.replace(/^[^:]*:\s*/, "")}`,
      };
    }
    if (e.code === "INVALID_TRANSITION") return { code: e.code, title: "Someone decided on this patch first", detail: e.message };
    if (e.status === 403) return { code: e.code, title: "Only members and owners can apply or reject patches" };
    return { code: e.code, title: e.message };
  }
  return { code: "ERROR", title: e instanceof Error ? e.message : "Something went wrong" };
}

const sentence = (s: string) => s.replace(/[.\s]+$/, "") + ".";

function Decision({ m, me }: { m: MessageView; me: string }) {
  const who = m.decided_by === me ? "you" : m.decided_by_name;
  if (m.status === "applied") {
    return (
      <p data-testid="message-decision" className="flex items-center gap-1.5 text-[13px] text-emerald-700 dark:text-emerald-300">
        <GitCommitHorizontal className="size-4" />
        <span>
          Applied{who ? ` by ${who}` : ""}
          {m.commit_sha && (
            <>
              {" · commit "}
              <code className="font-mono text-xs" title={m.commit_sha} data-testid="commit-sha">
                {m.commit_sha.slice(0, 7)}
              </code>
              <CopyButton value={m.commit_sha} label="Copy the commit id" className="ml-0.5 align-middle" data-testid="copy-commit" />
            </>
          )}
        </span>
      </p>
    );
  }
  return (
    <p data-testid="message-decision" className="flex items-center gap-1.5 text-[13px] text-amber-700 dark:text-amber-300">
      <X className="size-4" />
      Rejected{who ? ` by ${who}` : ""}
    </p>
  );
}

function TokenUsage({ m }: { m: MessageView }) {
  if (isInFlight(m.status) || m.status === "failed") return null;
  const u = m.token_usage;
  return (
    <p className="flex flex-wrap items-center gap-x-2 text-xs text-zinc-500 dark:text-zinc-400" data-testid="token-usage">
      {m.model && <span className="font-mono">{m.model}</span>}
      {m.model && <span aria-hidden>·</span>}
      {u ? (
        <span title={`${fmt.format(u.prompt_tokens)} prompt + ${fmt.format(u.completion_tokens)} completion tokens, as the model API reported them`}>
          <span className="font-medium text-zinc-700 tabular-nums dark:text-zinc-300">{fmt.format(u.total_tokens)}</span> tokens ({fmt.format(u.prompt_tokens)} in ·{" "}
          {fmt.format(u.completion_tokens)} out)
        </span>
      ) : (
        <span>token usage not reported</span>
      )}
    </p>
  );
}

type Props = { message: MessageView; me: string; canAct: boolean };

/** One exchange: the prompt, the answer (live while it streams), its patch and what became of it. */
export const MessageItem = memo(function MessageItem({ message: m, me, canAct }: Props) {
  const qc = useQueryClient();
  const projectId = useParams<{ id?: string }>()?.id;
  const decide = useDecide(m.session_id, m.id);
  const [failure, setFailure] = useState<DecideError | null>(null);
  const inFlight = isInFlight(m.status);
  // While it streams: the text so far (REST's `reply` then is that too, continued by live chunks).
  const text = (inFlight ? (m.stream ?? m.reply) : (m.reply ?? m.stream)) ?? "";
  const busy = decide.isPending ? decide.variables : null;
  const author = m.user_id === me ? "You" : (m.user_name ?? "Someone");

  const run = (action: "apply" | "reject") => {
    setFailure(null);
    decide.mutate(action, {
      onError: (e) => {
        setFailure(decideError(e));
        if (isApiError(e) && e.code === "INVALID_TRANSITION") void refetchSession(qc, m.session_id);
      },
    });
  };

  return (
    <article data-testid="message" data-message-id={m.id} data-status={m.status} className="space-y-3">
      <div className="flex gap-3">
        <Avatar name={author} />
        <div className="min-w-0 flex-1">
          <p className="flex items-baseline gap-2 text-xs text-zinc-500 dark:text-zinc-400">
            <span className="text-[13px] font-medium text-zinc-900 dark:text-zinc-100" data-testid="message-author">
              {author}
            </span>
            <RelativeTime iso={m.created_at} />
            {projectId && (
              <Link href={`/projects/${projectId}/traces/${m.trace_id}`} className="underline" data-testid="message-trace-link">
                Trace
              </Link>
            )}
          </p>
          <p data-testid="message-prompt" className="mt-1 text-sm whitespace-pre-wrap text-zinc-800 dark:text-zinc-200">
            {m.prompt}
          </p>
        </div>
      </div>

      <div className="flex gap-3">
        <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-fuchsia-50 text-fuchsia-600 dark:bg-fuchsia-500/15 dark:text-fuchsia-300">
          <Sparkles className="size-3.5" />
        </span>
        <div className="min-w-0 flex-1 space-y-3 rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
          <div className="flex items-center gap-2">
            <span className="text-[13px] font-medium text-zinc-900 dark:text-zinc-100">Assistant</span>
            <MessageStatusBadge status={m.status} />
          </div>

          {m.streamGap && inFlight && (
            <p data-testid="stream-gap" className="text-xs text-zinc-500 italic dark:text-zinc-400">This page opened part-way through the answer; the full text appears when it is complete.</p>
          )}
          {text && (
            <div data-testid="message-reply" className="space-y-2 text-sm leading-6 text-zinc-800 dark:text-zinc-200">
              <ReplyText text={text} diffShownBelow={!!m.patch && !inFlight} />
            </div>
          )}
          {inFlight && (
            <p data-testid="typing-indicator" className="flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
              <TypingDots />
              <span data-testid="agent-activity" className="truncate">
                {m.activity ?? (m.status === "pending" ? "Waiting for the model…" : "Writing…")}
              </span>
            </p>
          )}

          {m.status === "failed" && (
            <Notice tone="red" data-testid="message-error" data-code={m.error_code ?? undefined}>
              <p className="font-medium">The model could not answer.</p>
              <p>{sentence(m.error ?? "Unknown error")} Send the prompt again, or rephrase it.</p>
            </Notice>
          )}
          {m.status === "answered" && m.error && (
            <Notice tone="amber" data-testid="message-error" data-code={m.error_code ?? undefined}>
              <p className="font-medium">No patch to apply.</p>
              <p>{m.error}</p>
            </Notice>
          )}

          {m.patch && !inFlight && (
            <ReviewablePatch
              sessionId={m.session_id}
              messageId={m.id}
              patch={m.patch}
              canAct={canAct}
              className={clsx(m.status === "rejected" && "opacity-70")}
              render={(p) => <PatchDiff {...p} />}
            />
          )}

          {failure && (
            <Notice tone="red" data-testid="decide-error" data-code={failure.code}>
              <p className="font-medium">{failure.title}</p>
              {failure.detail && <p>{failure.detail}</p>}
            </Notice>
          )}

          {!inFlight && m.status !== "failed" && (
            <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-100 pt-3 dark:border-zinc-800">
              <TokenUsage m={m} />
              {(m.status === "applied" || m.status === "rejected") && <Decision m={m} me={me} />}
              {m.status === "proposed" && canAct && (
                <div className="ml-auto flex gap-2">
                  <Button size="sm" variant="secondary" onClick={() => run("reject")} disabled={decide.isPending} loading={busy === "reject"} data-testid="reject-button">
                    {busy !== "reject" && <X className="size-3.5" />}
                    Reject
                  </Button>
                  <Button size="sm" variant="primary" onClick={() => run("apply")} disabled={decide.isPending} loading={busy === "apply"} data-testid="apply-button">
                    {busy !== "apply" && <Check className="size-3.5" />}
                    Apply
                  </Button>
                </div>
              )}
              {m.status === "proposed" && !canAct && <p className="text-xs text-zinc-500 dark:text-zinc-400">Members and owners can apply or reject this patch.</p>}
            </div>
          )}
        </div>
      </div>
    </article>
  );
});
