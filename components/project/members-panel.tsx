"use client";
import { useState } from "react";
import { Users } from "lucide-react";
import { useMembers } from "@/lib/client/projects/hooks";
import { useRealtime } from "@/lib/client/realtime";
import { can, type Project } from "@/lib/client/types";
import { Card, CardHeader } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { AddMemberForm } from "./add-member-form";
import { MemberRow } from "./member-row";

export function MembersPanel({ project }: { project: Project }) {
  const { me } = useRealtime();
  const { data, error, isPending, refetch, isRefetching } = useMembers(project.id);
  const [actionError, setActionError] = useState<string | null>(null);
  const manage = can(project.role).manageMembers;

  return (
    <Card data-testid="members-panel">
      <CardHeader title="Members" icon={<Users />} actions={data && <span className="text-xs text-zinc-500 tabular-nums">{data.length}</span>} />
      {actionError && (
        <p role="alert" className="border-b border-red-100 bg-red-50 px-4 py-2 text-xs text-red-700 dark:border-red-500/20 dark:bg-red-500/10 dark:text-red-300" data-testid="members-error">
          {actionError}
        </p>
      )}
      {isPending ? (
        <div className="space-y-3 px-4 py-3">
          {[0, 1].map((i) => (
            <div key={i} className="flex items-center gap-3">
              <Skeleton className="size-7 rounded-full" />
              <Skeleton className="h-3 flex-1" />
            </div>
          ))}
        </div>
      ) : error && !data ? (
        <ErrorState title="Could not load members" error={error} onRetry={() => void refetch()} retrying={isRefetching} />
      ) : (
        <ul className="divide-y divide-zinc-100 py-1 dark:divide-zinc-800/70" data-testid="members-list">
          {data.map((m) => (
            <MemberRow key={m.user_id} member={m} isMe={m.user_id === me} canManage={manage} onError={setActionError} />
          ))}
        </ul>
      )}
      {manage && <AddMemberForm projectId={project.id} />}
      {!manage && (
        <p className="border-t border-zinc-200 px-4 py-2.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">Owners add and remove members.</p>
      )}
    </Card>
  );
}
