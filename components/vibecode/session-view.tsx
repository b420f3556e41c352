"use client";
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, FolderTree, MessageSquareDashed, SearchX, Sparkles } from "lucide-react";
import { rooms } from "@/lib/contract";
import { isApiError } from "@/lib/client/api";
import { keys } from "@/lib/client/keys";
import { useMembers, useProject } from "@/lib/client/projects/hooks";
import { useRealtime, useRoom } from "@/lib/client/realtime";
import { can, isDeleted, type Member } from "@/lib/client/types";
import { useSession } from "@/lib/client/vibecode/hooks";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { ProjectDeleted, ProjectNotFound } from "@/components/project/project-states";
import { MessageItem } from "./message-item";
import { LlmNotConfigured, PromptBox } from "./prompt-box";

/** Keep the newest message in view while it grows, unless the reader scrolled up. */
function useFollowBottom(signal: string) {
  const nearBottom = useRef(true);
  useEffect(() => {
    const onScroll = () => {
      nearBottom.current = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 240;
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, []);
  useEffect(() => {
    if (signal && nearBottom.current) window.scrollTo({ top: document.documentElement.scrollHeight });
  }, [signal]);
}

function SessionSkeleton() {
  return (
    <div className="mx-auto max-w-4xl space-y-6" aria-busy data-testid="session-loading">
      <Skeleton className="h-4 w-40" />
      <Skeleton className="h-6 w-80" />
      {[0, 1].map((i) => (
        <div key={i} className="space-y-3">
          <Skeleton className="h-10 w-2/3" />
          <Skeleton className="ml-10 h-40" />
        </div>
      ))}
    </div>
  );
}

function SessionNotFound({ projectId }: { projectId: string }) {
  return (
    <Card data-testid="session-not-found" className="mx-auto max-w-4xl">
      <EmptyState
        icon={<SearchX />}
        title="Session not found"
        action={
          <Link href={`/projects/${projectId}`} className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Back to the project
          </Link>
        }
      >
        It does not exist, or it belongs to a project you are not a member of.
      </EmptyState>
    </Card>
  );
}

export function SessionView({ projectId, sessionId }: { projectId: string; sessionId: string }) {
  const { me } = useRealtime();
  const qc = useQueryClient();
  useRoom(rooms.project(projectId));
  const project = useProject(projectId);
  const session = useSession(sessionId);
  const { data: members } = useMembers(projectId, !isDeleted(project.data) && !project.error);
  const [llmMissing, setLlmMissing] = useState<string | null>(null);

  const messages = session.data?.messages;
  const last = messages?.[messages.length - 1];
  useFollowBottom(last ? `${messages!.length}:${last.status}:${(last.stream ?? last.reply ?? "").length}` : "");

  const p = project.data;
  if (isDeleted(p)) {
    const by = p.deleted_by === me ? "you" : qc.getQueryData<Member[]>(keys.members(projectId))?.find((m) => m.user_id === p.deleted_by)?.name;
    return <ProjectDeleted name={p.name} by={by ?? null} />;
  }
  if (isApiError(project.error, 404) || isApiError(project.error, 403)) return <ProjectNotFound />;
  if (isApiError(session.error, 404) || isApiError(session.error, 403)) return <SessionNotFound projectId={projectId} />;
  if (session.isPending) return <SessionSkeleton />;
  if (!session.data) {
    return (
      <Card className="mx-auto max-w-4xl">
        <ErrorState title="Could not load this session" error={session.error} onRetry={() => void session.refetch()} retrying={session.isRefetching} />
      </Card>
    );
  }

  const s = session.data;
  const canAct = can(p?.role).edit;
  const starter = s.user_id === me ? "you" : members?.find((m) => m.user_id === s.user_id)?.name;

  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-6" data-testid="session-view" data-session-id={s.id}>
      <header className="space-y-1.5">
        <div className="flex items-center justify-between gap-3">
          <Link href={`/projects/${projectId}`} className="inline-flex min-w-0 items-center gap-1.5 text-[13px] font-medium text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
            <ArrowLeft className="size-3.5 shrink-0" />
            <span className="truncate">{p?.name ?? "Project"}</span>
          </Link>
          <Link href={`/projects/${projectId}/files`} className="inline-flex items-center gap-1.5 text-[13px] font-medium text-indigo-600 hover:underline dark:text-indigo-400" data-testid="files-link">
            <FolderTree className="size-3.5" />
            Workspace files
          </Link>
        </div>
        <h1 className="flex items-center gap-2 text-xl font-semibold tracking-tight" data-testid="session-title">
          <Sparkles className="size-5 shrink-0 text-fuchsia-500" />
          <span className="truncate">{s.title || "New session"}</span>
        </h1>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Vibecode session{starter ? ` started by ${starter}` : ""} <RelativeTime iso={s.created_at} /> · {s.messages.length} {s.messages.length === 1 ? "message" : "messages"}
        </p>
      </header>

      {llmMissing && <LlmNotConfigured message={llmMissing} />}

      {s.messages.length === 0 ? (
        <Card data-testid="session-empty">
          <EmptyState icon={<MessageSquareDashed />} title="No messages yet">
            {canAct
              ? "Describe a change below. The model reads the project's workspace, answers with an explanation and a patch, and everyone on this page sees it arrive; a member then applies or rejects it."
              : "When a member sends a prompt, the answer streams in here live."}
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-8" data-testid="messages" aria-live="polite">
          {s.messages.map((m) => (
            <MessageItem key={m.id} message={m} me={me} canAct={canAct} />
          ))}
        </div>
      )}

      <div className="sticky bottom-0 -mx-2 bg-zinc-50/95 px-2 pt-2 pb-4 backdrop-blur-sm dark:bg-zinc-950/90">
        <PromptBox sessionId={s.id} canSend={p ? canAct : null} onLlmMissing={setLlmMissing} />
      </div>
    </div>
  );
}
