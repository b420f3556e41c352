"use client";
// Shared page pieces for the project pages (runs, workflows): the project gate and the back link.
import type { ReactNode } from "react";
import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { useProject } from "@/lib/client/projects/hooks";
import { useRealtime } from "@/lib/client/realtime";
import { isDeleted, type Project } from "@/lib/client/types";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { ProjectDeleted, ProjectNotFound } from "@/components/project/project-states";

/** Renders `children(project)` once the project is known; its deleted / not found / failed states otherwise. */
export function ProjectGate({ id, loading, children }: { id: string; loading: ReactNode; children: (project: Project) => ReactNode }) {
  const { me } = useRealtime();
  const { data, error, isPending, refetch, isRefetching } = useProject(id);
  if (isDeleted(data)) return <ProjectDeleted name={data.name} by={data.deleted_by === me ? "you" : null} />;
  if (isApiError(error, 404) || isApiError(error, 403)) return <ProjectNotFound />;
  if (isPending) return loading;
  if (!data) {
    return (
      <Card>
        <ErrorState title="Could not load this project" error={error} onRetry={() => void refetch()} retrying={isRefetching} />
      </Card>
    );
  }
  return children(data);
}

export function BackLink({ href, children, testId }: { href: string; children: ReactNode; testId?: string }) {
  return (
    <Link href={href} data-testid={testId} className="inline-flex items-center gap-1 text-[13px] font-medium text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
      <ArrowLeft className="size-3.5" />
      {children}
    </Link>
  );
}
