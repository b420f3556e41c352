"use client";
// The realtime provider: one RealtimeClient per signed-in tab, wired to the React Query cache.
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import { useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { rooms } from "@/lib/contract";
import { applyEnvelope, queriesAfterReset, queriesBehindRoom } from "./cache";
import { toast } from "./toast";
import { FeedBuffer } from "./feed";
import { RealtimeClient, type ConnectionState } from "./realtime-client";
import { getSocket } from "./socket";
import { api } from "./api";
import { keys } from "./keys";

type RealtimeContextValue = { client: RealtimeClient; feedBuffer: FeedBuffer; me: string };

const RealtimeContext = createContext<RealtimeContextValue | null>(null);

export function useRealtime(): RealtimeContextValue {
  const ctx = useContext(RealtimeContext);
  if (!ctx) throw new Error("useRealtime() needs <RealtimeProvider>");
  return ctx;
}

/** Invalidate many query keys at most once per tick (a page of fresh joins arrives together). */
function batchedInvalidator(invalidate: (key: QueryKey) => void) {
  const pending = new Map<string, QueryKey>();
  let scheduled = false;
  return (key: QueryKey) => {
    pending.set(JSON.stringify(key), key);
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      const list = [...pending.values()];
      pending.clear();
      list.forEach(invalidate);
    }, 50);
  };
}

/** One quiet note for a burst of resets (several rooms re-joined after one reconnect). */
let lastRefreshNote = 0;
function notifyRefreshed() {
  if (Date.now() - lastRefreshNote < 5_000) return;
  lastRefreshNote = Date.now();
  toast("Some older updates were no longer kept; this view was refreshed.", "info");
}

function signInAgain() {
  const here = window.location.pathname + window.location.search;
  window.location.assign(`/signin?callbackUrl=${encodeURIComponent(here)}`);
}

export function RealtimeProvider({ me, children }: { me: string; children: ReactNode }) {
  const qc = useQueryClient();
  const [value] = useState<RealtimeContextValue>(() => {
    const feedBuffer = new FeedBuffer();
    const invalidate = batchedInvalidator((queryKey) => void qc.invalidateQueries({ queryKey }));
    const client = new RealtimeClient({
      onEnvelope: (env) => applyEnvelope({ qc, me, feedBuffer }, env),
      onFreshJoin: (room) => queriesBehindRoom(room, me).forEach(invalidate),
      // Retention deleted part of what this tab missed: refetch the room's state and say so, quietly.
      onReset: (room) => {
        queriesAfterReset(room, me).forEach(invalidate);
        notifyRefreshed();
      },
      onAuthError: signInAgain,
    });
    return { client, feedBuffer, me };
  });

  useEffect(() => {
    // Joined by the server at connect; named here too so that every reconnect re-joins them with `since`
    // and replays what was missed (`global` was not, so /agents could show stale state after a reconnect).
    const releases = [rooms.user(value.me), rooms.global].map((room) => value.client.acquire(room));
    const stop = value.client.start(getSocket());
    return () => {
      releases.forEach((release) => release());
      stop();
    };
  }, [value]);

  return (
    <RealtimeContext.Provider value={value}>
      <ProjectRooms />
      {children}
    </RealtimeContext.Provider>
  );
}

/**
 * Projects whose rooms stay joined at most (the newest): a socket may be in SOCKET_MAX_ROOMS rooms (default
 * 200), and pages need some of their own (workflow:, job:, agent:).
 */
const MAX_PROJECT_ROOMS = 150;

/** Every project in the list (the newest 150) stays subscribed, so edits from other tabs and people show up live. */
function ProjectRooms() {
  // The same query as useProjects() (lib/client/projects/hooks.ts), read here without importing the hooks (they use this provider).
  const { data } = useQuery({ queryKey: keys.projects, queryFn: api.listProjects });
  const wanted = useMemo(() => (data ?? []).slice(0, MAX_PROJECT_ROOMS).map((p) => rooms.project(p.id)).sort(), [data]);
  useRooms(wanted);
  return null;
}

/** Subscribe to rooms while mounted (reference-counted; re-joined with `since` after reconnects). */
export function useRooms(list: readonly string[]) {
  const { client } = useRealtime();
  const key = list.join("\n");
  useEffect(() => {
    const releases = key ? key.split("\n").map((room) => client.acquire(room)) : [];
    return () => releases.forEach((release) => release());
  }, [client, key]);
}

export const useRoom = (room: string | null) => useRooms(room ? [room] : []);

export function useConnectionState(): { state: ConnectionState; retry: () => void } {
  const { client } = useRealtime();
  const state = useSyncExternalStore(client.subscribeState, client.getState, () => "connecting" as const);
  return { state, retry: () => client.retry() };
}
