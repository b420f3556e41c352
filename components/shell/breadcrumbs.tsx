"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { ChevronRight } from "lucide-react";
import { useProject } from "@/lib/client/projects/hooks";
import { Logo } from "./logo";

/** The project's name, live (the page reads the same cache entry, so no extra request). */
function ProjectCrumb({ id }: { id: string }) {
  const { data } = useProject(id);
  return (
    <>
      <ChevronRight className="size-3.5 shrink-0 text-zinc-400" />
      <span className="truncate font-medium text-zinc-900 dark:text-zinc-100">{data?.name ?? "Project"}</span>
    </>
  );
}

/** Where am I: "Projects › name". */
export function Breadcrumbs() {
  const pathname = usePathname();
  const projectId = /^\/projects\/([^/]+)/.exec(pathname)?.[1];
  const admin = pathname.startsWith("/admin");
  const section = admin ? { href: "/admin", label: "Admin" } : pathname.startsWith("/agents") ? { href: "/agents", label: "Agents" } : pathname.startsWith("/settings/tokens") ? { href: "/settings/tokens", label: "API tokens" } : { href: "/", label: "Projects" };
  return (
    <div className="flex min-w-0 items-center gap-1.5 text-sm">
      <Link href="/" className="mr-2 md:hidden">
        <Logo className="text-sm" />
      </Link>
      <Link href={section.href} className="hidden font-medium text-zinc-500 hover:text-zinc-900 md:inline dark:text-zinc-400 dark:hover:text-zinc-100">
        {section.label}
      </Link>
      {projectId && (
        <span className="hidden min-w-0 items-center gap-1.5 md:flex">
          <ProjectCrumb id={decodeURIComponent(projectId)} />
        </span>
      )}
    </div>
  );
}
