"use client";
import { useRouter } from "next/navigation";
import { FlaskConical, GitBranch } from "lucide-react";
import type { Project } from "@/lib/client/types";
import { RelativeTime } from "@/components/ui/relative-time";
import { CopyButton } from "@/components/ui/copy-button";
import { RoleBadge, StatusBadge } from "@/components/projects/badges";
import { ProjectActions } from "@/components/projects/project-actions";

function Meta({ icon, children, title, copy }: { icon: React.ReactNode; children: React.ReactNode; title: string; copy?: string }) {
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5" title={title}>
      <span className="text-zinc-500 dark:text-zinc-400 [&>svg]:size-3.5">{icon}</span>
      <span className="truncate font-mono text-xs">{children}</span>
      {copy && <CopyButton value={copy} label={`Copy the ${title.toLowerCase()}`} data-testid={`copy-${title.toLowerCase().replace(/\s+/g, "-")}`} />}
    </span>
  );
}

export function ProjectHeader({ project }: { project: Project }) {
  const router = useRouter();
  return (
    <div className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
      <div className="min-w-0 space-y-1.5">
        <div className="flex flex-wrap items-center gap-2.5">
          <h1 data-testid="project-name" className="truncate text-xl font-semibold tracking-tight">
            {project.name}
          </h1>
          <StatusBadge status={project.status} />
          <RoleBadge role={project.role} />
        </div>
        <p data-testid="project-description" className="max-w-3xl text-sm whitespace-pre-line text-zinc-600 dark:text-zinc-400">
          {project.description || <span className="italic">No description yet.</span>}
        </p>
        <div className="flex flex-wrap items-center gap-x-5 gap-y-1 pt-0.5 text-zinc-500 dark:text-zinc-400">
          {project.repository_url && <Meta icon={<GitBranch />} title="Repository" copy={project.repository_url}>{project.repository_url}</Meta>}
          {project.test_command && <Meta icon={<FlaskConical />} title="Test command" copy={project.test_command}>{project.test_command}</Meta>}
          <span className="text-xs" data-testid="project-header-updated">
            Updated <RelativeTime iso={project.updated_at} />
          </span>
        </div>
      </div>
      <ProjectActions project={project} variant="labels" onDeleted={() => router.push("/")} />
    </div>
  );
}
