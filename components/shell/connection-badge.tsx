"use client";
import clsx from "clsx";
import { RefreshCw } from "lucide-react";
import { useState } from "react";
import { Spinner } from "@/components/ui/spinner";
import { useConnectionState } from "@/lib/client/realtime";
import type { ConnectionState } from "@/lib/client/realtime-client";

const LOOK: Record<ConnectionState, { label: string; title: string; className: string }> = {
  connecting: {
    label: "Connecting…",
    title: "Opening the live connection",
    className: "text-zinc-600 ring-zinc-300 dark:text-zinc-400 dark:ring-zinc-700",
  },
  connected: {
    label: "Connected",
    title: "Live: changes appear as they happen",
    className: "text-emerald-700 ring-emerald-600/25 bg-emerald-50 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/25",
  },
  reconnecting: {
    label: "Reconnecting…",
    title: "The live connection dropped; missed changes are replayed when it is back",
    className: "text-amber-800 ring-amber-600/30 bg-amber-50 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/25",
  },
  offline: {
    label: "Offline",
    title: "Not connected. Click to retry now",
    className: "text-red-700 ring-red-600/25 bg-red-50 hover:bg-red-100 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/25",
  },
};

const SAY: Record<ConnectionState, string> = {
  connecting: "Connecting to live updates…",
  connected: "Live updates connected.",
  reconnecting: "Live connection lost. Reconnecting; missed changes will be replayed.",
  offline: "Offline: changes made by others will not appear until the connection is back.",
};

/**
 * Connection changes for screen readers (a polite live region present from the start): every change after
 * the page's first connection; the first "connected" itself is not news.
 */
function ConnectionAnnouncer({ state }: { state: ConnectionState }) {
  const [seen, setSeen] = useState({ state, message: "", wasConnected: state === "connected" });
  if (seen.state !== state) {
    const speak = seen.wasConnected || state === "offline";
    setSeen({ state, message: speak ? SAY[state] : seen.message, wasConnected: seen.wasConnected || state === "connected" });
  }
  return (
    <span role="status" aria-live="polite" data-testid="connection-announcer" className="sr-only">
      {seen.message}
    </span>
  );
}

/** The live connection's state, always visible in the top bar; offline is clickable to retry. */
export function ConnectionBadge() {
  const { state, retry } = useConnectionState();
  const look = LOOK[state];
  return (
    <>
    <ConnectionAnnouncer state={state} />
    <button
      type="button"
      data-testid="connection-state"
      data-state={state}
      title={look.title}
      onClick={state === "offline" || state === "reconnecting" ? retry : undefined}
      className={clsx(
        "inline-flex h-7 items-center gap-1.5 rounded-full px-2.5 text-xs font-medium ring-1 ring-inset transition-colors",
        state === "connected" || state === "connecting" ? "cursor-default" : "cursor-pointer",
        look.className,
      )}
    >
      {state === "connected" && (
        <span className="relative flex size-2">
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-emerald-400 opacity-40 [animation-duration:2.5s]" />
          <span className="relative inline-flex size-2 rounded-full bg-emerald-500" />
        </span>
      )}
      {(state === "connecting" || state === "reconnecting") && <Spinner className="size-3" />}
      {state === "offline" && <span className="size-2 rounded-full bg-red-500" />}
      {look.label}
      {state === "offline" && <RefreshCw aria-hidden className="size-3 opacity-70" />}
    </button>
    </>
  );
}
