"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { Project } from "@/lib/client/types";
import { RelativeTime } from "@/components/ui/relative-time";
import { RoleBadge, StatusBadge } from "./badges";
import { ProjectActions } from "./project-actions";
import { ProjectLiveStatus } from "./project-live-status";

export function ProjectRow({ project }: { project: Project }) {
  const router = useRouter();
  const href = `/projects/${project.id}`;
  return (
    <tr
      data-testid="project-row"
      data-kbd-item
      data-project-id={project.id}
      onClick={(e) => {
        // The whole row opens the project; its buttons and links, and dialogs portalled from it, keep their clicks.
        const target = e.target as HTMLElement;
        if (e.currentTarget.contains(target) && !target.closest("a,button")) router.push(href);
      }}
      className="group cursor-pointer border-t border-zinc-100 transition-colors first:border-t-0 hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/30"
    >
      <td className="max-w-0 py-2.5 pr-3 pl-4">
        <Link href={href} className="block truncate text-sm font-medium text-zinc-900 group-hover:text-indigo-700 dark:text-zinc-100 dark:group-hover:text-indigo-300" data-testid="project-row-name">
          {project.name}
        </Link>
        <p className="truncate text-[13px] text-zinc-500 dark:text-zinc-400">{project.description || <span className="italic">No description</span>}</p>
      </td>
      <td className="px-3 py-2.5">
        <StatusBadge status={project.status} />
      </td>
      <td className="hidden px-3 py-2.5 md:table-cell">
        <ProjectLiveStatus activity={project.activity} />
      </td>
      <td className="hidden px-3 py-2.5 sm:table-cell">
        <RoleBadge role={project.role} />
      </td>
      <td className="hidden px-3 py-2.5 text-[13px] whitespace-nowrap text-zinc-500 lg:table-cell dark:text-zinc-400">
        <RelativeTime iso={project.activity?.last_activity_at && project.activity.last_activity_at > project.updated_at ? project.activity.last_activity_at : project.updated_at} />
      </td>
      <td className="py-2.5 pr-3 pl-2">
        <ProjectActions project={project} variant="icons" />
      </td>
    </tr>
  );
}
