"use client";
import { isApiError } from "@/lib/client/api";
import { useProject } from "@/lib/client/projects/hooks";
import { useRealtime } from "@/lib/client/realtime";
import { useQueryClient } from "@tanstack/react-query";
import { keys } from "@/lib/client/keys";
import { isDeleted, type Member } from "@/lib/client/types";
import { ErrorState } from "@/components/ui/error-state";
import { Card } from "@/components/ui/card";
import { ActivityFeed } from "./activity-feed";
import { MembersPanel } from "./members-panel";
import { LatestRunCard } from "@/components/runs/latest-run-card";
import { AgentsCard } from "@/components/agents/agents-card";
import { SessionsCard } from "@/components/vibecode/sessions-card";
import { WorkflowsCard } from "@/components/workflows/workflows-card";
import { UsageCard } from "@/components/budgets/usage-card";
import { PullsCard } from "@/components/github/pulls-card";
import { WebhookCard } from "./webhook-card";
import { ProjectHeader } from "./project-header";
import { ProjectDeleted, ProjectNotFound, ProjectSkeleton } from "./project-states";

/** The project overview: header, live activity, members, and the cards later features fill. */
export function ProjectView({ id }: { id: string }) {
  const { me } = useRealtime();
  const qc = useQueryClient();
  const { data, error, isPending, refetch, isRefetching } = useProject(id);

  if (isDeleted(data)) {
    const by = data.deleted_by === me ? "you" : qc.getQueryData<Member[]>(keys.members(id))?.find((m) => m.user_id === data.deleted_by)?.name;
    return <ProjectDeleted name={data.name} by={by ?? null} />;
  }
  // Checked before `data`: after losing access a refetch fails while the old data is still cached.
  if (isApiError(error, 404) || isApiError(error, 403)) return <ProjectNotFound />;
  if (isPending) return <ProjectSkeleton />;
  if (!data) {
    return (
      <Card>
        <ErrorState title="Could not load this project" error={error} onRetry={() => void refetch()} retrying={isRefetching} />
      </Card>
    );
  }

  return (
    <div className="space-y-6">
      <ProjectHeader project={data} />
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <ActivityFeed projectId={id} />
        </div>
        <div className="min-w-0 space-y-6">
          <SessionsCard project={data} />
          <UsageCard project={data} />
          <MembersPanel project={data} />
          <LatestRunCard project={data} />
          <AgentsCard projectId={id} />
          <WorkflowsCard projectId={data.id} />
          <PullsCard project={data} />
          <WebhookCard project={data} />
        </div>
      </div>
    </div>
  );
}
