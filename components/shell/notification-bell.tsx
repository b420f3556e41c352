"use client";
// The bell: unread count, the newest notifications, mark read (one / all), which kinds to get, and opt-in
// browser notifications (the permission is asked only after a click). Live from the user's own room.
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bell, Check, Settings2 } from "lucide-react";
import clsx from "clsx";
import { apiFetch, shouldRetry } from "@/lib/client/api";
import { useEnvelopes } from "@/lib/client/envelope-bus";
import { useRealtime } from "@/lib/client/realtime";
import { NOTIFICATION_KINDS, rooms, type TNotification } from "@/lib/contract";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";

type List = { notifications: TNotification[]; unread_count: number; next_before: string | null };
type Kind = (typeof NOTIFICATION_KINDS)[number];
type Prefs = { kinds: Record<Kind, boolean>; browser: boolean };

const LIST_KEY = ["notifications"] as const;
const PREFS_KEY = ["notification-preferences"] as const;

const KIND_LABELS: Record<Kind, string> = {
  run_failed: "A test run I started failed",
  workflow_failed: "A workflow in my projects failed",
  workflow_stale: "A workflow in my projects went stale",
  patch_proposed: "A patch was proposed in my session",
  agent_offline: "My agent went offline",
  member_added: "I was added to a project",
};

const browserSupported = () => typeof window !== "undefined" && "Notification" in window;

function showBrowserNotification(n: TNotification) {
  if (!browserSupported() || Notification.permission !== "granted") return;
  try {
    const note = new Notification(n.title, { body: n.body, tag: `switchboard-${n.id}` });
    note.onclick = () => {
      window.focus();
      if (n.link) window.location.assign(n.link);
    };
  } catch {
    /* some browsers allow notifications only from a service worker */
  }
}

function Preferences() {
  const qc = useQueryClient();
  const prefs = useQuery({ queryKey: PREFS_KEY, queryFn: () => apiFetch<Prefs>("/notifications/preferences"), retry: shouldRetry });
  const save = useMutation({
    mutationFn: (body: Partial<{ kinds: Partial<Record<Kind, boolean>>; browser: boolean }>) => apiFetch<Prefs>("/notifications/preferences", { method: "PUT", body }),
    onSuccess: (p) => qc.setQueryData(PREFS_KEY, p),
  });
  const [denied, setDenied] = useState(false);
  if (!prefs.data) return <p className="px-3 py-2 text-xs text-zinc-600 dark:text-zinc-400">{prefs.error ? "Could not load your preferences." : "Loading…"}</p>;
  const enableBrowser = async () => {
    if (!browserSupported()) return;
    const permission = Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
    setDenied(permission !== "granted");
    if (permission === "granted") save.mutate({ browser: true });
  };
  return (
    <div className="space-y-2 px-3 py-2" data-testid="notification-preferences">
      <fieldset>
        <legend className="mb-1 text-xs font-semibold text-zinc-700 dark:text-zinc-300">Notify me when</legend>
        {NOTIFICATION_KINDS.map((k) => (
          <label key={k} className="flex items-center gap-2 py-0.5 text-xs text-zinc-800 dark:text-zinc-200">
            <input type="checkbox" checked={prefs.data.kinds[k]} onChange={(e) => save.mutate({ kinds: { [k]: e.target.checked } })} data-testid={`pref-${k}`} />
            {KIND_LABELS[k]}
          </label>
        ))}
      </fieldset>
      {browserSupported() &&
        (prefs.data.browser && Notification.permission === "granted" ? (
          <Button size="sm" variant="secondary" onClick={() => save.mutate({ browser: false })} data-testid="browser-notifications-off">
            Turn off browser notifications
          </Button>
        ) : (
          <Button size="sm" variant="secondary" onClick={() => void enableBrowser()} data-testid="browser-notifications-on">
            Show browser notifications
          </Button>
        ))}
      {denied && <p className="text-xs text-amber-800 dark:text-amber-300">The browser did not allow notifications; change it in the site settings.</p>}
    </div>
  );
}

export function NotificationBell() {
  const { me } = useRealtime();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [settings, setSettings] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useQuery({ queryKey: LIST_KEY, queryFn: () => apiFetch<List>("/notifications?limit=20"), retry: shouldRetry });
  const prefs = useQuery({ queryKey: PREFS_KEY, queryFn: () => apiFetch<Prefs>("/notifications/preferences"), retry: shouldRetry });

  useEnvelopes((env) => {
    if (env.room !== rooms.user(me)) return;
    if (env.type === "notification.created") {
      const n: TNotification = env.data;
      let added = false;
      qc.setQueryData<List>(LIST_KEY, (old) => {
        if (!old || old.notifications.some((x) => x.id === n.id)) return old;
        added = true;
        return { ...old, notifications: [n, ...old.notifications].slice(0, 50), unread_count: old.unread_count + (n.read_at ? 0 : 1) };
      });
      // Only what is new to this tab (not a replay of what it already listed).
      if (added && prefs.data?.browser && Date.now() - Date.parse(env.timestamp) < 60_000) showBrowserNotification(n);
    } else if (env.type === "project.deleted") {
      // The server deleted that project's notifications: list them again (the unread count with them).
      void qc.invalidateQueries({ queryKey: LIST_KEY });
    } else if (env.type === "notification.read") {
      const d = env.data;
      const at = env.timestamp;
      qc.setQueryData<List>(LIST_KEY, (old) =>
        old && {
          ...old,
          unread_count: d.unread_count,
          notifications: old.notifications.map((x) => (x.read_at || (d.ids && !d.ids.includes(x.id)) ? x : { ...x, read_at: at })),
        },
      );
    }
  });

  const markRead = useMutation({ mutationFn: (id: string) => apiFetch<TNotification>(`/notifications/${id}/read`, { method: "POST" }) });
  const markAll = useMutation({ mutationFn: () => apiFetch<{ unread_count: number }>("/notifications/read-all", { method: "POST" }) });

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  const unread = list.data?.unread_count ?? 0;
  const items = list.data?.notifications ?? [];
  return (
    <div className="relative">
      <button
        ref={button}
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-haspopup="dialog"
        aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
        data-testid="notification-bell"
        className="relative flex h-8 w-8 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <Bell className="size-4" />
        {unread > 0 && (
          <span className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] leading-4 font-semibold text-white" data-testid="notification-count">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      <span className="sr-only" aria-live="polite">
        {unread ? `${unread} unread notifications` : ""}
      </span>
      {open && (
        <div
          ref={panel}
          role="dialog"
          aria-label="Notifications"
          data-testid="notification-panel"
          className="absolute right-0 z-40 mt-2 w-[22rem] max-w-[calc(100vw-2rem)] rounded-lg border border-zinc-200 bg-white shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="flex items-center justify-between border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
            <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Notifications</h2>
            <div className="flex items-center gap-1">
              <Button size="sm" variant="ghost" disabled={!unread} onClick={() => markAll.mutate()} data-testid="mark-all-read">
                <Check className="size-3.5" /> Mark all read
              </Button>
              <Button size="icon" variant="ghost" aria-label="Notification settings" aria-pressed={settings} onClick={() => setSettings((v) => !v)} data-testid="notification-settings">
                <Settings2 className="size-4" />
              </Button>
            </div>
          </div>
          {settings && (
            <div className="border-b border-zinc-200 dark:border-zinc-800">
              <Preferences />
            </div>
          )}
          {list.isPending ? (
            <p className="px-3 py-4 text-xs text-zinc-600 dark:text-zinc-400">Loading…</p>
          ) : list.error && !list.data ? (
            <p className="px-3 py-4 text-xs text-red-700 dark:text-red-400">Could not load your notifications.</p>
          ) : items.length === 0 ? (
            <p className="px-3 py-6 text-center text-xs text-zinc-600 dark:text-zinc-400" data-testid="notifications-empty">
              Nothing needs you right now.
            </p>
          ) : (
            <ul className="max-h-96 divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800" data-testid="notification-list">
              {items.map((n) => (
                <li key={n.id} className={clsx("flex gap-2 px-3 py-2", !n.read_at && "bg-indigo-50/60 dark:bg-indigo-500/10")} data-testid="notification-item" data-kind={n.kind} data-unread={n.read_at ? "false" : "true"}>
                  <div className="min-w-0 flex-1">
                    {n.link ? (
                      <Link
                        href={n.link}
                        onClick={() => {
                          if (!n.read_at) markRead.mutate(n.id);
                          setOpen(false);
                        }}
                        className="text-[13px] font-medium text-zinc-900 hover:underline dark:text-zinc-100"
                      >
                        {n.title}
                      </Link>
                    ) : (
                      <p className="text-[13px] font-medium text-zinc-900 dark:text-zinc-100">{n.title}</p>
                    )}
                    {n.body && <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">{n.body}</p>}
                    <p className="mt-0.5 flex gap-2 text-[11px] text-zinc-600 dark:text-zinc-400">
                      <RelativeTime iso={n.created_at} />
                      {n.trace_id && n.project_id && (
                        <Link href={`/projects/${n.project_id}/traces/${n.trace_id}`} onClick={() => setOpen(false)} className="underline">
                          Trace
                        </Link>
                      )}
                    </p>
                  </div>
                  {!n.read_at && (
                    <Button size="icon" variant="ghost" aria-label={`Mark read: ${n.title}`} onClick={() => markRead.mutate(n.id)} data-testid="mark-read">
                      <Check className="size-3.5" />
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
