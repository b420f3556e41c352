"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Bot, FolderKanban, KeyRound, ScrollText, Shield, UserRound, Users } from "lucide-react";
import clsx from "clsx";
import type { ReactNode } from "react";
import { useProjects } from "@/lib/client/projects/hooks";
import { Logo } from "./logo";

function NavItem({ href, icon, children, active, disabled }: { href: string; icon: ReactNode; children: ReactNode; active?: boolean; disabled?: boolean }) {
  const cls = clsx(
    "flex h-8 items-center gap-2.5 rounded-md px-2.5 text-[13px] font-medium [&>svg]:size-4",
    active && "bg-zinc-200/70 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100",
    !active && !disabled && "text-zinc-600 hover:bg-zinc-200/50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100",
    disabled && "cursor-not-allowed text-zinc-400 dark:text-zinc-600",
  );
  if (disabled) {
    return (
      <span className={cls} aria-disabled>
        {icon}
        {children}
        <span className="ml-auto rounded bg-zinc-200/70 px-1.5 py-px text-[10px] font-medium tracking-wide text-zinc-500 uppercase dark:bg-zinc-800 dark:text-zinc-500">soon</span>
      </span>
    );
  }
  return (
    <Link href={href} className={cls} aria-current={active ? "page" : undefined}>
      {icon}
      {children}
    </Link>
  );
}

/** Active projects for quick switching; the list itself is on "/". */
function ProjectShortcuts({ pathname }: { pathname: string }) {
  const { data } = useProjects();
  const active = (data ?? []).filter((p) => p.status === "active").slice(0, 15);
  if (active.length === 0) return null;
  return (
    <ul className="mt-1 ml-4 space-y-px border-l border-zinc-200 pl-2 dark:border-zinc-800">
      {active.map((p) => {
        const href = `/projects/${p.id}`;
        const current = pathname === href || pathname.startsWith(href + "/");
        return (
          <li key={p.id}>
            <Link
              href={href}
              className={clsx(
                "block truncate rounded px-2 py-1 text-[13px]",
                current ? "font-medium text-indigo-700 dark:text-indigo-300" : "text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
              )}
            >
              {p.name}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

export function Sidebar({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <aside className="sticky top-0 hidden h-screen w-60 shrink-0 flex-col border-r border-zinc-200 bg-zinc-100/60 px-3 py-4 md:flex dark:border-zinc-800 dark:bg-zinc-900/40">
      <Link href="/" className="mb-6 px-2">
        <Logo />
      </Link>
      <nav className="flex min-h-0 flex-1 flex-col gap-0.5 overflow-y-auto" aria-label="Main">
        <NavItem href="/" icon={<FolderKanban />} active={pathname === "/" || pathname.startsWith("/projects")}>
          Projects
        </NavItem>
        <ProjectShortcuts pathname={pathname} />
        <div className="mt-3 space-y-0.5">
          <NavItem href="/agents" icon={<Bot />} active={pathname.startsWith("/agents")}>
            Agents
          </NavItem>
          <NavItem href="/settings/tokens" icon={<KeyRound />} active={pathname.startsWith("/settings/tokens")}>
            API tokens
          </NavItem>
          <NavItem href="/settings/profile" icon={<UserRound />} active={pathname.startsWith("/settings/profile")}>
            Profile
          </NavItem>
          {isAdmin && (
            <>
              <NavItem href="/admin" icon={<Shield />} active={pathname === "/admin"}>
                Admin
              </NavItem>
              <NavItem href="/admin/users" icon={<Users />} active={pathname.startsWith("/admin/users")}>
                Users
              </NavItem>
              <NavItem href="/admin/audit" icon={<ScrollText />} active={pathname.startsWith("/admin/audit")}>
                Audit log
              </NavItem>
            </>
          )}
        </div>
      </nav>
    </aside>
  );
}
