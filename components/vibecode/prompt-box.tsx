"use client";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { SendHorizontal, ServerCrash } from "lucide-react";
import clsx from "clsx";
import { isApiError } from "@/lib/client/api";
import { useSendPrompt } from "@/lib/client/vibecode/hooks";
import { Button } from "@/components/ui/button";
import { FormError, Textarea } from "@/components/ui/field";

const MAX_PROMPT = 20_000;

/** No model configured on the server: nothing to retry, an administrator has to act. */
export function LlmNotConfigured({ message }: { message: string }) {
  return (
    <div data-testid="llm-error" role="alert" title={message} className="flex gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-100">
      <ServerCrash className="mt-0.5 size-5 shrink-0" />
      <div>
        <p className="font-medium">No language model is configured on this server</p>
        <p className="mt-0.5 text-[13px] opacity-90">
          Prompts cannot be answered until an administrator sets <code className="font-mono text-xs">OPENAI_API_KEY</code> (and{" "}
          <code className="font-mono text-xs">OPENAI_BASE_URL</code> for an OpenAI-compatible server) and restarts Switchboard.
        </p>
      </div>
    </div>
  );
}

const VIEWER_REASON = "You are a viewer in this project: ask an owner to make you a member to send prompts and apply patches.";

/** `canSend` null: the caller's role is not known yet. */
export function PromptBox({ sessionId, canSend: allowed, onLlmMissing }: { sessionId: string; canSend: boolean | null; onLlmMissing: (message: string) => void }) {
  const canSend = allowed === true;
  const [prompt, setPrompt] = useState("");
  const [error, setError] = useState<string | null>(null);
  const send = useSendPrompt(sessionId);
  const empty = !prompt.trim();

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (empty || send.isPending || !canSend) return;
    setError(null);
    send.mutate(prompt, {
      onSuccess: () => setPrompt(""),
      onError: (err) => {
        if (isApiError(err) && err.code === "LLM_NOT_CONFIGURED") onLlmMissing(err.message);
        else if (isApiError(err, 403)) setError("Only members and owners can send prompts in this project.");
        else setError(isApiError(err) ? (err.fieldErrors().prompt ? `The prompt ${err.fieldErrors().prompt}` : err.message) : "Could not send the prompt");
      },
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form onSubmit={submit} className="space-y-2" data-testid="prompt-form">
      <FormError>{error}</FormError>
      <div
        className={clsx(
          "rounded-lg border border-zinc-300 shadow-sm focus-within:outline-2 focus-within:-outline-offset-1 focus-within:outline-indigo-500 dark:border-zinc-700",
          canSend || allowed === null ? "bg-white dark:bg-zinc-950" : "bg-zinc-100 dark:bg-zinc-900",
        )}
      >
        <label htmlFor="vibecode-prompt" className="sr-only">
          Prompt
        </label>
        <Textarea
          id="vibecode-prompt"
          data-testid="prompt-input"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          onKeyDown={onKeyDown}
          maxLength={MAX_PROMPT}
          rows={3}
          disabled={!canSend}
          placeholder={allowed !== false ? "Describe a change to the code, e.g. “Add a section about running the tests to README.md”" : "Viewers can follow this session but not send prompts"}
          className="resize-y border-0 bg-transparent shadow-none focus:outline-none disabled:bg-transparent dark:bg-transparent"
        />
        <div className="flex items-center justify-between gap-3 border-t border-zinc-100 px-3 py-2 dark:border-zinc-800">
          <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid={allowed === false ? "prompt-disabled-reason" : undefined}>
            {allowed === false ? (
              VIEWER_REASON
            ) : (
              <>
                <kbd className="font-sans">Ctrl</kbd>/<kbd className="font-sans">⌘</kbd>+<kbd className="font-sans">Enter</kbd> to send · the whole team sees the answer live
              </>
            )}
          </p>
          <Button type="submit" variant="primary" size="sm" disabled={!canSend || empty} loading={send.isPending} data-testid="prompt-submit">
            {!send.isPending && <SendHorizontal className="size-3.5" />}
            Send
          </Button>
        </div>
      </div>
    </form>
  );
}
