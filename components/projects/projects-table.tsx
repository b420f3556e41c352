import type { Project } from "@/lib/client/types";
import { ProjectRow } from "./project-row";

const TH = "px-3 py-2 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400";

export function ProjectsTable({ projects }: { projects: Project[] }) {
  return (
    <table className="w-full table-fixed" data-testid="projects-table">
      <colgroup>
        <col />
        <col className="w-28" />
        <col className="hidden w-24 sm:table-column" />
        <col className="hidden w-36 lg:table-column" />
        <col className="w-32" />
      </colgroup>
      <thead className="border-b border-zinc-200 bg-zinc-50/80 dark:border-zinc-800 dark:bg-zinc-900/60">
        <tr>
          <th className={`${TH} pl-4`}>Project</th>
          <th className={TH}>Status</th>
          <th className={`${TH} hidden md:table-cell`}>Live</th>
          <th className={`${TH} hidden sm:table-cell`}>Your role</th>
          <th className={`${TH} hidden lg:table-cell`}>Last activity</th>
          <th className={TH}>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody data-kbd-list>
        {projects.map((p) => (
          <ProjectRow key={p.id} project={p} />
        ))}
      </tbody>
    </table>
  );
}
