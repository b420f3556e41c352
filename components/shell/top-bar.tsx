import { Breadcrumbs } from "./breadcrumbs";
import { ConnectionBadge } from "./connection-badge";
import { NotificationBell } from "./notification-bell";
import { ThemeToggle } from "@/components/ui/theme-toggle";
import { UserMenu } from "./user-menu";

export function TopBar({ name, email }: { name: string; email: string }) {
  return (
    <header className="sticky top-0 z-30 flex h-14 items-center justify-between gap-4 border-b border-zinc-200 bg-zinc-50/85 px-4 backdrop-blur md:px-6 dark:border-zinc-800 dark:bg-zinc-950/85">
      <Breadcrumbs />
      <div className="flex items-center gap-4">
        <ConnectionBadge />
        <NotificationBell />
        <ThemeToggle className="hidden sm:inline-flex" />
        <div className="h-6 w-px bg-zinc-200 dark:bg-zinc-800" />
        <UserMenu name={name} email={email} />
      </div>
    </header>
  );
}
