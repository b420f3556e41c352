"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ChevronRight, Coins, FolderTree, Plus, Sparkles } from "lucide-react";
import { toastError } from "@/lib/client/toast";
import { can, type Project } from "@/lib/client/types";
import { useCreateSession, useSessions, useUsage } from "@/lib/client/vibecode/hooks";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";

const fmt = new Intl.NumberFormat("en");
const monthName = (ym: string) => new Date(`${ym}-01T00:00:00Z`).toLocaleString("en", { month: "long", timeZone: "UTC" });

function UsageLine({ projectId }: { projectId: string }) {
  const { data } = useUsage(projectId);
  return (
    <p className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
      <Coins className="size-3.5 shrink-0" />
      {data ? (
        <span
          data-testid="usage-tokens"
          data-total={data.total_tokens}
          title={`${fmt.format(data.prompt_tokens)} prompt + ${fmt.format(data.completion_tokens)} completion tokens over ${data.messages} ${data.messages === 1 ? "answer" : "answers"} in ${monthName(data.month)} (UTC), as the model API reported them`}
        >
          <span className="font-medium text-zinc-700 tabular-nums dark:text-zinc-300">{fmt.format(data.total_tokens)}</span> tokens in {monthName(data.month)}
        </span>
      ) : (
        <Skeleton className="h-3 w-28" />
      )}
    </p>
  );
}

/** The project's vibecode sessions (live), a way to start one, this month's token usage and the files. */
export function SessionsCard({ project }: { project: Project }) {
  const router = useRouter();
  const sessions = useSessions(project.id);
  const create = useCreateSession(project.id);
  const canCreate = can(project.role).edit;

  const start = () =>
    create.mutate(undefined, {
      onSuccess: (s) => router.push(`/projects/${project.id}/sessions/${s.session_id}`),
      onError: toastError,
    });

  return (
    <Card data-testid="sessions-card">
      <CardHeader
        title="Vibecode"
        icon={<Sparkles />}
        actions={
          canCreate && (
            <Button size="sm" variant="primary" onClick={start} loading={create.isPending} data-testid="new-session-button">
              {!create.isPending && <Plus className="size-3.5" />}
              New session
            </Button>
          )
        }
      />
      {sessions.isPending ? (
        <div className="space-y-3 px-4 py-3">
          {[0, 1].map((i) => (
            <Skeleton key={i} className="h-8" />
          ))}
        </div>
      ) : sessions.error && !sessions.data ? (
        <ErrorState title="Could not load sessions" error={sessions.error} onRetry={() => void sessions.refetch()} retrying={sessions.isRefetching} />
      ) : sessions.data.length === 0 ? (
        <EmptyState compact icon={<Sparkles />} title="No sessions yet">
          {canCreate ? "Start one to ask the model for a change; it answers with a patch the team can apply." : "Members start sessions to ask the model for changes; you can follow them here."}
        </EmptyState>
      ) : (
        <ul className="max-h-80 divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800/70" data-testid="sessions-list">
          {sessions.data.map((s) => (
            <li key={s.id}>
              <Link
                href={`/projects/${project.id}/sessions/${s.id}`}
                data-testid="session-row"
                data-session-id={s.id}
                className="group flex items-center gap-3 px-4 py-2 hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
              >
                <div className="min-w-0 flex-1 leading-tight">
                  <p className="truncate text-[13px] font-medium text-zinc-900 dark:text-zinc-100">
                    {s.title || <span className="font-normal text-zinc-500 italic dark:text-zinc-400">Untitled session</span>}
                  </p>
                  <p className="mt-0.5 truncate text-xs text-zinc-500 dark:text-zinc-400">
                    {s.user_name} · {s.message_count} {s.message_count === 1 ? "message" : "messages"} · <RelativeTime iso={s.updated_at} />
                  </p>
                </div>
                <ChevronRight className="size-4 shrink-0 text-zinc-300 group-hover:text-zinc-500 dark:text-zinc-600" />
              </Link>
            </li>
          ))}
        </ul>
      )}
      <div className="flex items-center justify-between gap-3 border-t border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <UsageLine projectId={project.id} />
        <Link href={`/projects/${project.id}/files`} data-testid="files-link" className="inline-flex items-center gap-1 text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          <FolderTree className="size-3.5" />
          Files
        </Link>
      </div>
    </Card>
  );
}
