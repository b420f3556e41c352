import { Fragment } from "react";
import { FileDiff } from "lucide-react";

type Part = { kind: "text"; text: string } | { kind: "code"; lang: string; code: string; open: boolean };

/** Prose and ``` fenced blocks; a block still streaming (no closing fence yet) runs to the end. */
export function splitFences(text: string): Part[] {
  const parts: Part[] = [];
  const fence = /(^|\n)```([^\n`]*)\n/g;
  let at = 0;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const start = m.index + m[1]!.length;
    if (start > at) parts.push({ kind: "text", text: text.slice(at, start) });
    const bodyStart = m.index + m[0].length;
    const close = text.indexOf("\n```", bodyStart - 1);
    if (close === -1) {
      parts.push({ kind: "code", lang: m[2]!.trim(), code: text.slice(bodyStart), open: true });
      return parts;
    }
    parts.push({ kind: "code", lang: m[2]!.trim(), code: text.slice(bodyStart, close), open: false });
    const after = text.indexOf("\n", close + 4);
    at = after === -1 ? text.length : after + 1;
    fence.lastIndex = at;
  }
  if (at < text.length) parts.push({ kind: "text", text: text.slice(at) });
  return parts;
}

/** `code` spans inside prose. */
function Inline({ text }: { text: string }) {
  const bits = text.split(/(`[^`\n]+`)/g);
  return bits.map((b, i) =>
    b.length > 2 && b.startsWith("`") && b.endsWith("`") ? (
      <code key={i} className="rounded bg-zinc-100 px-1 py-px font-mono text-[0.85em] text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
        {b.slice(1, -1)}
      </code>
    ) : (
      <Fragment key={i}>{b}</Fragment>
    ),
  );
}

/**
 * The model's answer. With `diffShownBelow` a complete ```diff block collapses to a pointer (the diff view
 * renders it properly); while the answer streams, the block shows as it arrives.
 */
export function ReplyText({ text, diffShownBelow }: { text: string; diffShownBelow: boolean }) {
  return splitFences(text).map((p, i) => {
    if (p.kind === "text") {
      const t = p.text.replace(/^\n+|\n+$/g, "");
      return t ? (
        <p key={i} className="whitespace-pre-wrap">
          <Inline text={t} />
        </p>
      ) : null;
    }
    if (diffShownBelow && !p.open && /^(diff|patch)$/i.test(p.lang)) {
      return (
        <p key={i} className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
          <FileDiff className="size-3.5" /> The proposed change is shown below.
        </p>
      );
    }
    return (
      <pre key={i} className="overflow-x-auto rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs leading-5 text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200">
        {p.code}
      </pre>
    );
  });
}
