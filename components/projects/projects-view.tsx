"use client";
import { useState } from "react";
import { Archive, FolderKanban, Plus } from "lucide-react";
import { useProjects } from "@/lib/client/projects/hooks";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { NewProjectDialog } from "./project-dialogs";
import { ProjectsTable } from "./projects-table";
import { StatusFilter, type StatusFilterValue } from "./status-filter";

function ListSkeleton() {
  return (
    <div className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="projects-loading" aria-busy>
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="flex items-center gap-6 px-4 py-3.5">
          <div className="flex-1 space-y-2">
            <Skeleton className="h-3.5 w-48" />
            <Skeleton className="h-3 w-80 max-w-full" />
          </div>
          <Skeleton className="h-5 w-16 rounded-full" />
          <Skeleton className="hidden h-5 w-14 rounded-full sm:block" />
          <Skeleton className="hidden h-3 w-20 lg:block" />
        </div>
      ))}
    </div>
  );
}

function NewProjectButton({ onClick }: { onClick: () => void }) {
  return (
    <Button variant="primary" onClick={onClick} data-testid="new-project-button">
      <Plus className="size-4" />
      New project
    </Button>
  );
}

export function ProjectsView() {
  const { data, error, isPending, refetch, isRefetching } = useProjects();
  const [filter, setFilter] = useState<StatusFilterValue>("active");
  const [creating, setCreating] = useState(false);

  const all = data ?? [];
  const counts = { active: all.filter((p) => p.status === "active").length, archived: all.filter((p) => p.status === "archived").length, all: all.length };
  const shown = filter === "all" ? all : all.filter((p) => p.status === filter);
  const openNew = () => setCreating(true);

  let body: React.ReactNode;
  if (isPending) body = <ListSkeleton />;
  else if (error && !data) body = <ErrorState title="Could not load your projects" error={error} onRetry={() => void refetch()} retrying={isRefetching} />;
  else if (all.length === 0)
    body = (
      <EmptyState
        icon={<FolderKanban />}
        title="No projects yet"
        action={<Button variant="secondary" onClick={openNew}><Plus className="size-4" />Create your first project</Button>}
        data-testid="projects-empty"
      >
        Create a project, invite your team by email, and follow its changes, test runs and agents here as they happen. Someone else's project? Ask an owner to add you.
      </EmptyState>
    );
  else if (shown.length === 0)
    body = (
      <EmptyState icon={<Archive />} title={filter === "archived" ? "No archived projects" : "No active projects"} compact data-testid="projects-empty-filter">
        {filter === "archived" ? "Archive a project from its row to move it here." : "Every project is archived. Restore one from Archived, or create a new one."}
      </EmptyState>
    );
  else body = <ProjectsTable projects={shown} />;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Projects</h1>
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Everything your team is building, updated live.</p>
        </div>
        <div className="flex items-center gap-3">
          {all.length > 0 && <StatusFilter value={filter} counts={counts} onChange={setFilter} />}
          <NewProjectButton onClick={openNew} />
        </div>
      </div>
      <Card className="overflow-hidden">{body}</Card>
      <NewProjectDialog open={creating} onOpenChange={setCreating} />
    </div>
  );
}
