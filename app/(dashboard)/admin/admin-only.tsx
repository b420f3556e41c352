import Link from "next/link";
import { ShieldAlert } from "lucide-react";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";

export function AdminsOnly({ what }: { what: string }) {
  return (
    <Card>
      <EmptyState icon={<ShieldAlert />} title="Admins only" data-testid="admin-forbidden">
        {what} is only open to administrators. Ask an admin if you need it.
      </EmptyState>
    </Card>
  );
}

/** The admin pages' tabs. */
export function AdminTabs({ current }: { current: "overview" | "users" | "audit" }) {
  const tabs = [
    { key: "overview", href: "/admin", label: "Overview" },
    { key: "users", href: "/admin/users", label: "Users" },
    { key: "audit", href: "/admin/audit", label: "Audit log" },
  ] as const;
  return (
    <nav aria-label="Admin" className="mb-4 flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t) => (
        <Link
          key={t.key}
          href={t.href}
          aria-current={t.key === current ? "page" : undefined}
          className={
            t.key === current
              ? "-mb-px border-b-2 border-indigo-600 px-3 py-2 text-[13px] font-medium text-indigo-700 dark:text-indigo-300"
              : "px-3 py-2 text-[13px] text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
          }
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
