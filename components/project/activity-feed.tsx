"use client";
import { useMemo, useState } from "react";
import { Activity } from "lucide-react";
import type { FeedItem, Member } from "@/lib/client/types";
import { describeEvent } from "@/lib/client/describe-event";
import { useMembers, useProjectFeed } from "@/lib/client/projects/hooks";
import { useConnectionState, useRealtime } from "@/lib/client/realtime";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Button } from "@/components/ui/button";
import { FEED_KINDS, type FeedKind } from "@/lib/feed/kinds";
import { ActivityItem } from "./activity-item";

const KIND_LABEL: Record<FeedKind, string> = { people: "People", vibecode: "Vibecode", tests: "Tests", workflows: "Workflows", agents: "Agents", github: "GitHub" };

/** Filter chips: all kinds, or any selection of them (toggling the last one off shows all again). */
function FeedFilters({ kinds, onChange }: { kinds: readonly FeedKind[]; onChange: (k: FeedKind[]) => void }) {
  const all = kinds.length === FEED_KINDS.length;
  const chip = (pressed: boolean) =>
    pressed
      ? "rounded-full border border-indigo-300 bg-indigo-50 px-2.5 py-0.5 text-xs font-medium text-indigo-700 dark:border-indigo-500/50 dark:bg-indigo-500/15 dark:text-indigo-200"
      : "rounded-full border border-zinc-200 px-2.5 py-0.5 text-xs text-zinc-600 hover:bg-zinc-50 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800";
  return (
    <div role="group" aria-label="Filter the activity" className="flex flex-wrap gap-1.5 border-b border-zinc-100 px-4 py-2 dark:border-zinc-800/70">
      <button type="button" data-testid="feed-filter-all" aria-pressed={all} className={chip(all)} onClick={() => onChange([...FEED_KINDS])}>
        All
      </button>
      {FEED_KINDS.map((k) => {
        const on = !all && kinds.includes(k);
        return (
          <button
            key={k}
            type="button"
            data-testid={`feed-filter-${k}`}
            aria-pressed={on}
            className={chip(on)}
            onClick={() => {
              const next = all ? [k] : on ? kinds.filter((x) => x !== k) : [...kinds, k];
              onChange(next.length ? next : [...FEED_KINDS]);
            }}
          >
            {KIND_LABEL[k]}
          </button>
        );
      })}
    </div>
  );
}

/** user id → name, from the members list and from member events (people who left keep their name). */
function useNames(members: Member[] | undefined, items: FeedItem[] | undefined, me: string) {
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const { envelope } of [...(items ?? [])].reverse()) {
      const d = envelope.data as { user_id?: unknown; name?: unknown };
      if (envelope.type.startsWith("member.") && typeof d.user_id === "string" && typeof d.name === "string") names.set(d.user_id, d.name);
    }
    for (const m of members ?? []) names.set(m.user_id, m.name);
    return (id: string) => (id === me ? "You" : (names.get(id) ?? null));
  }, [members, items, me]);
}

function LiveDot() {
  const { state } = useConnectionState();
  const live = state === "connected";
  return (
    <span className="flex items-center gap-1.5 text-xs font-normal text-zinc-500 dark:text-zinc-400" title={live ? "New events appear as they happen" : "Waiting for the live connection"}>
      <span className={live ? "size-1.5 rounded-full bg-emerald-500" : "size-1.5 rounded-full bg-amber-500"} />
      {live ? "Live" : "Paused"}
    </span>
  );
}

export function ActivityFeed({ projectId }: { projectId: string }) {
  const { me } = useRealtime();
  const [kinds, setKinds] = useState<FeedKind[]>([...FEED_KINDS]);
  const feed = useProjectFeed(projectId, kinds);
  const { data: members } = useMembers(projectId);
  const items = feed.data?.items;
  const nameOf = useNames(members, items, me);

  return (
    <Card className="flex min-h-0 flex-col" data-testid="activity-panel">
      <CardHeader title="Activity" icon={<Activity />} actions={<LiveDot />} />
      <FeedFilters kinds={kinds} onChange={setKinds} />
      {feed.isPending ? (
        <div className="space-y-4 px-4 py-4" aria-busy>
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="flex gap-3">
              <Skeleton className="size-7 rounded-full" />
              <div className="flex-1 space-y-2">
                <Skeleton className="h-3 w-3/4" />
                <Skeleton className="h-2.5 w-32" />
              </div>
            </div>
          ))}
        </div>
      ) : feed.error && !items ? (
        <ErrorState title="Could not load the activity" error={feed.error} onRetry={() => void feed.refetch()} retrying={feed.isRefetching} />
      ) : (
        <ol data-testid="activity-feed" data-kbd-list aria-live="polite" aria-label="Activity" tabIndex={0} className="divide-y divide-zinc-100 overflow-y-auto lg:max-h-[calc(100vh-15rem)] dark:divide-zinc-800/70">
          {items!.length === 0 && (
            <li className="list-none">
              <EmptyState icon={<Activity />} title="No activity yet" compact>
                {kinds.length === FEED_KINDS.length
                  ? "Edits, members joining, test runs and agent work on this project appear here the moment they happen."
                  : "Nothing of this kind yet. Pick other filters, or All."}
              </EmptyState>
            </li>
          )}
          {items!.map(({ envelope, live, summary }) => (
            <ActivityItem key={envelope.id} envelope={envelope} line={describeEvent(envelope, nameOf)} live={!!live} summary={summary} />
          ))}
          {feed.data?.nextBefore && (
            <li className="list-none px-4 py-3 text-center">
              <Button variant="secondary" size="sm" data-testid="feed-load-older" onClick={feed.loadOlder} disabled={feed.loadingOlder}>
                {feed.loadingOlder ? "Loading…" : "Load older"}
              </Button>
              {feed.olderError && (
                <p role="alert" className="mt-2 text-xs text-red-600 dark:text-red-400">
                  Could not load older activity: {feed.olderError.message}
                </p>
              )}
            </li>
          )}
        </ol>
      )}
    </Card>
  );
}
