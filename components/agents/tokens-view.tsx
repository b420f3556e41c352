"use client";
import { useState } from "react";
import { Check, Copy, KeyRound } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { useCreateToken, useRevokeToken, useTokens } from "@/lib/client/agents/hooks";
import { type ApiToken, type NewToken } from "@/lib/client/agents/api";
import { useProjects } from "@/lib/client/projects/hooks";
import { formatAbsolute } from "@/lib/client/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";

const EXPIRY = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "never", label: "Never" },
] as const;

function CreateTokenForm({ onCreated }: { onCreated: (t: NewToken) => void }) {
  const { data: projects } = useProjects();
  const create = useCreateToken();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"personal" | "agent">("personal");
  const [expiry, setExpiry] = useState<string>("30");
  const [scope, setScope] = useState<string[]>([]);
  const fieldErrors = isApiError(create.error) ? create.error.fieldErrors() : {};
  const formError = create.error && !Object.keys(fieldErrors).length ? create.error.message : null;

  return (
    <form
      data-testid="create-token-form"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const expires_at = expiry === "never" ? null : new Date(Date.now() + Number(expiry) * 86_400_000).toISOString();
        create.mutate(
          { name: name.trim(), kind, expires_at, ...(scope.length ? { project_ids: scope } : {}) },
          {
            onSuccess: (t) => {
              setName("");
              setScope([]);
              onCreated(t);
            },
          },
        );
      }}
    >
      <FormError>{formError}</FormError>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Name" error={fieldErrors.name}>
          {(p) => <Input {...p} data-testid="token-name" value={name} maxLength={100} required placeholder="CI, review bot…" onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Kind" hint={kind === "agent" ? "Registers an agent named after the token" : "Acts as you"}>
          {(p) => (
            <Select {...p} data-testid="token-kind" value={kind} onChange={(e) => setKind(e.target.value as "personal" | "agent")}>
              <option value="personal">Personal</option>
              <option value="agent">Agent</option>
            </Select>
          )}
        </Field>
        <Field label="Expires" error={fieldErrors.expires_at}>
          {(p) => (
            <Select {...p} data-testid="token-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRY.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <fieldset>
        <legend className="text-[13px] font-medium text-zinc-700 dark:text-zinc-300">Projects</legend>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">None checked: every project you are a member of. Checked: only those.</p>
        {fieldErrors.project_ids && <p className="text-xs text-red-600">{fieldErrors.project_ids}</p>}
        <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1.5" data-testid="token-projects">
          {(projects ?? []).map((p) => (
            <label key={p.id} className="flex items-center gap-1.5 text-[13px]">
              <input
                type="checkbox"
                data-testid="token-project"
                value={p.id}
                checked={scope.includes(p.id)}
                onChange={(e) => setScope((s) => (e.target.checked ? [...s, p.id] : s.filter((x) => x !== p.id)))}
              />
              {p.name}
            </label>
          ))}
          {projects?.length === 0 && <span className="text-xs text-zinc-500">You have no projects yet.</span>}
        </div>
      </fieldset>
      <Button type="submit" variant="primary" loading={create.isPending} disabled={!name.trim()} data-testid="create-token">
        Create token
      </Button>
    </form>
  );
}

function SecretDialog({ token, onClose }: { token: NewToken | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog
      open={!!token}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(false);
          onClose();
        }
      }}
      title="Copy your new token"
      description="This is the only time it is shown. Store it somewhere safe; if you lose it, revoke it and create another."
      data-testid="token-secret-dialog"
    >
      {token && (
        <>
          <div className="flex items-center gap-2">
            <code data-testid="token-secret" className="min-w-0 flex-1 truncate rounded-md border border-zinc-200 bg-zinc-50 px-2.5 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-800">
              {token.token}
            </code>
            <Button
              size="sm"
              data-testid="copy-token"
              onClick={() => {
                void navigator.clipboard?.writeText(token.token).then(() => setCopied(true), () => setCopied(false));
              }}
            >
              {copied ? <Check className="size-3.5" /> : <Copy className="size-3.5" />}
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
          {token.agent_id && <p className="mt-3 text-xs text-zinc-500">An agent “{token.name}” was registered; connect it with this token and it appears under Agents.</p>}
          <DialogActions>
            <Button variant="primary" onClick={onClose} data-testid="token-secret-done">
              Done
            </Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}

function tokenState(t: ApiToken): { label: string; tone: "green" | "red" | "neutral" } {
  if (t.revoked) return { label: "revoked", tone: "red" };
  if (t.expired || (t.expires_at && new Date(t.expires_at).getTime() <= Date.now())) return { label: "expired", tone: "neutral" };
  return { label: "active", tone: "green" };
}

function TokenList({ onRevoke }: { onRevoke: (t: ApiToken) => void }) {
  const { data, error, isPending, refetch, isRefetching } = useTokens();
  const { data: projects } = useProjects();
  if (isPending) {
    return (
      <div className="space-y-3 p-4" aria-busy>
        <Skeleton className="h-5 w-full" />
        <Skeleton className="h-5 w-full" />
      </div>
    );
  }
  if (error && !data) return <ErrorState title="Could not load your tokens" error={error} onRetry={() => void refetch()} retrying={isRefetching} />;
  if (!data?.length) {
    return (
      <EmptyState icon={<KeyRound />} title="No tokens yet" compact data-testid="tokens-empty">
        Create a personal token for scripts and CI, or an agent token for an AI agent.
      </EmptyState>
    );
  }
  const names = (ids: string[]) => (ids.length ? ids.map((id) => projects?.find((p) => p.id === id)?.name ?? id.slice(0, 8)).join(", ") : "All projects");
  return (
    <table className="w-full text-left text-[13px]" data-testid="tokens-table">
      <thead className="border-b border-zinc-200 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
        <tr>
          <th className="px-4 py-2 font-medium">Name</th>
          <th className="px-4 py-2 font-medium">Scope</th>
          <th className="hidden px-4 py-2 font-medium md:table-cell">Last used</th>
          <th className="hidden px-4 py-2 font-medium md:table-cell">Expires</th>
          <th className="px-4 py-2 font-medium">State</th>
          <th className="px-4 py-2" />
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {data.map((t) => {
          const st = tokenState(t);
          return (
            <tr key={t.id} data-testid="token-row" data-token-id={t.id} data-state={st.label}>
              <td className="px-4 py-2.5">
                <p className="font-medium text-zinc-900 dark:text-zinc-100">{t.name}</p>
                <p className="font-mono text-[11px] text-zinc-500">
                  {t.prefix}… · {t.kind}
                </p>
              </td>
              <td className="px-4 py-2.5 text-xs text-zinc-600 dark:text-zinc-400">{names(t.project_ids)}</td>
              <td className="hidden px-4 py-2.5 text-xs text-zinc-500 md:table-cell">{t.last_used_at ? <RelativeTime iso={t.last_used_at} /> : "never"}</td>
              <td className="hidden px-4 py-2.5 text-xs text-zinc-500 md:table-cell">{t.expires_at ? (
                  <time dateTime={t.expires_at} suppressHydrationWarning>
                    {formatAbsolute(t.expires_at)}
                  </time>
                ) : (
                  "never"
                )}</td>
              <td className="px-4 py-2.5">
                <Badge tone={st.tone}>{st.label}</Badge>
              </td>
              <td className="px-4 py-2.5 text-right">
                {!t.revoked && (
                  <Button size="sm" variant="ghost" data-testid="revoke-token" onClick={() => onRevoke(t)}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** /settings/tokens: create (the secret shown once), list, revoke with confirmation. */
export function TokensView() {
  const [secret, setSecret] = useState<NewToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useRevokeToken();
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">API tokens</h1>
      <Card>
        <CardHeader title="New token" icon={<KeyRound />} />
        <CardBody>
          <CreateTokenForm onCreated={setSecret} />
        </CardBody>
      </Card>
      <Card className="overflow-hidden">
        <TokenList onRevoke={setRevoking} />
      </Card>
      <SecretDialog token={secret} onClose={() => setSecret(null)} />
      <Dialog
        open={!!revoking}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        description="It stops working at once; scripts and agents using it are disconnected."
        size="sm"
        data-testid="revoke-dialog"
      >
        <DialogActions>
          <Button onClick={() => setRevoking(null)}>Cancel</Button>
          <Button
            variant="danger"
            data-testid="confirm-revoke"
            loading={revoke.isPending}
            onClick={() => revoking && revoke.mutate(revoking, { onSettled: () => setRevoking(null) })}
          >
            Revoke
          </Button>
        </DialogActions>
      </Dialog>
    </div>
  );
}
