"use client";
// The admin page's model usage per project this month (GET /admin/usage), heaviest first, with budgets.
import Link from "next/link";
import { Coins } from "lucide-react";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { TAdminUsage } from "@/lib/budgets/schemas";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";

const fmt = new Intl.NumberFormat("en");

export function AdminUsage() {
  const q = useQuery({ queryKey: ["admin", "usage"], queryFn: ({ signal }) => apiFetch<TAdminUsage>("/admin/usage", { signal }), refetchInterval: 30_000 });
  let body;
  if (q.isPending) body = <Skeleton className="h-16 w-full" />;
  else if (!q.data) body = <ErrorState title="Could not load the usage" error={q.error} onRetry={() => void q.refetch()} retrying={q.isFetching} />;
  else if (!q.data.projects.length) body = <p className="text-xs text-zinc-500">No projects yet.</p>;
  else {
    const u = q.data;
    body = (
      <table className="w-full text-[13px]" data-testid="admin-usage-table">
        <thead className="text-left text-xs text-zinc-500">
          <tr>
            <th className="py-1 font-medium">Project</th>
            <th className="py-1 text-right font-medium">Tokens</th>
            <th className="py-1 text-right font-medium">Calls</th>
            <th className="py-1 text-right font-medium">Budget</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {u.projects.map((p) => {
            const over = p.monthly_token_budget !== null && p.total_tokens >= p.monthly_token_budget;
            return (
              <tr key={p.project_id} data-testid="admin-usage-row" data-project-id={p.project_id} data-tokens={p.total_tokens}>
                <td className="max-w-0 truncate py-1.5 pr-2">
                  <Link href={`/projects/${p.project_id}`} className="hover:underline">
                    {p.name}
                  </Link>
                </td>
                <td className="py-1.5 text-right tabular-nums">{fmt.format(p.total_tokens)}</td>
                <td className="py-1.5 text-right tabular-nums">{fmt.format(p.calls)}</td>
                <td className={`py-1.5 text-right tabular-nums ${over ? "font-medium text-red-700 dark:text-red-300" : "text-zinc-500"}`}>
                  {p.monthly_token_budget === null ? "—" : fmt.format(p.monthly_token_budget)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    );
  }
  return (
    <Card data-testid="admin-usage">
      <CardHeader
        title={q.data ? `Model usage in ${new Date(`${q.data.month}-01T00:00:00Z`).toLocaleString("en", { month: "long", timeZone: "UTC" })}` : "Model usage this month"}
        icon={<Coins />}
        actions={q.data && <span className="text-xs text-zinc-500 tabular-nums">{fmt.format(q.data.total_tokens)} tokens</span>}
      />
      <CardBody>{body}</CardBody>
    </Card>
  );
}
