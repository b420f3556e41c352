"use client";
import { useState } from "react";
import { ScrollText } from "lucide-react";
import { useAudit, type AuditEntry } from "@/lib/client/accounts";
import { formatAbsolute } from "@/lib/client/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Select } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";

/** The filter's choices (the server validates against lib/audit.ts AUDIT_ACTIONS). */
const ACTIONS = [
  "auth.sign_in", "auth.sign_in_failed", "token.create", "token.revoke", "member.add", "member.role_change", "member.remove",
  "project.configure", "project.delete", "user.create", "user.register", "user.promote", "user.demote", "user.disable", "user.enable",
  "user.profile_update", "user.password_change", "user.password_change_failed", "invite.create", "invite.revoke", "invite.use", "invite.refused",
  "password_reset.create", "password_reset.use", "password_reset.refused",
];

function details(e: AuditEntry): string {
  const d = Object.entries(e.details ?? {}).filter(([, v]) => v !== null && v !== undefined);
  return d.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join(" · ");
}

export function AuditView() {
  const [action, setAction] = useState("");
  const q = useAudit(action);
  const entries = q.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <Card>
      <CardHeader
        title="Audit log"
        icon={<ScrollText />}
        actions={
          <Select aria-label="Filter by action" value={action} onChange={(e) => setAction(e.target.value)} className="!h-8 w-56 text-[13px]" data-testid="audit-filter">
            <option value="">All actions</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </Select>
        }
      />
      {q.isPending ? (
        <CardBody className="space-y-2">
          <Skeleton className="h-6" />
          <Skeleton className="h-6" />
          <Skeleton className="h-6" />
        </CardBody>
      ) : q.isError ? (
        <ErrorState title="Could not load the audit log" error={q.error} onRetry={() => void q.refetch()} retrying={q.isFetching} />
      ) : entries.length === 0 ? (
        <EmptyState compact icon={<ScrollText />} title="Nothing recorded yet" data-testid="audit-empty">
          Sign-ins, token, member, user, invite and project changes appear here.
        </EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-[13px]" data-testid="audit-table">
              <thead className="text-xs text-zinc-500">
                <tr>
                  <th className="px-4 py-2 font-medium">When</th>
                  <th className="px-4 py-2 font-medium">Action</th>
                  <th className="px-4 py-2 font-medium">Who</th>
                  <th className="px-4 py-2 font-medium">Target</th>
                  <th className="px-4 py-2 font-medium">Details</th>
                  <th className="px-4 py-2 font-medium">From</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id} className="border-t border-zinc-200 align-top dark:border-zinc-800" data-testid="audit-row">
                    <td className="px-4 py-2 text-xs whitespace-nowrap text-zinc-500">{formatAbsolute(e.created_at)}</td>
                    <td className="px-4 py-2 whitespace-nowrap">
                      <span className="font-mono text-xs">{e.action}</span>
                      {e.outcome === "failure" && <Badge tone="red" className="ml-1.5">failed</Badge>}
                    </td>
                    <td className="px-4 py-2 text-xs">{e.actor_email ?? e.actor_id ?? "—"}</td>
                    <td className="px-4 py-2 font-mono text-xs text-zinc-500">{e.target_type ? `${e.target_type}:${e.target_id?.slice(0, 8)}` : "—"}</td>
                    <td className="max-w-md px-4 py-2 text-xs break-words text-zinc-600 dark:text-zinc-400">{details(e)}</td>
                    <td className="px-4 py-2 font-mono text-xs text-zinc-500" title={e.request_id ? `request ${e.request_id}, trace ${e.trace_id}` : undefined}>{e.ip ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {q.hasNextPage && (
            <div className="border-t border-zinc-200 px-4 py-2 dark:border-zinc-800">
              <Button size="sm" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} data-testid="audit-older">Load older</Button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
