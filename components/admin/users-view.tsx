"use client";
import { useState } from "react";
import { KeyRound, MailPlus, Search, ShieldCheck, ShieldOff, UserPlus, Users } from "lucide-react";
import { isApiError } from "@/lib/client/api";
import { accountsApi, useCreateInvite, useCreateUser, useInvites, useRevokeInvite, useUpdateUser, useUsers, type AdminUser, type NewLink } from "@/lib/client/accounts";
import { toastError } from "@/lib/client/toast";
import { formatAbsolute } from "@/lib/client/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { OneTimeLink } from "./one-time-link";

function InviteForm() {
  const create = useCreateInvite();
  const [link, setLink] = useState<NewLink | null>(null);
  const fields = isApiError(create.error) ? create.error.fieldErrors() : {};
  return (
    <form
      method="post"
      data-testid="invite-form"
      className="space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const email = String(f.get("email") ?? "").trim();
        setLink(null);
        create.mutate(
          { email: email || null, role: String(f.get("role")) as "admin" | "user", expires_in_hours: Number(f.get("expires")) },
          { onSuccess: (i) => setLink(i) },
        );
      }}
    >
      <FormError>{create.error && !Object.keys(fields).length ? create.error.message : null}</FormError>
      <div className="grid gap-3 sm:grid-cols-[1fr_8rem_8rem_auto] sm:items-end">
        <Field label="Email (optional)" error={fields.email} hint="Leave empty for a link anyone can use once">
          {(p) => <Input {...p} name="email" type="email" placeholder="newcomer@team.dev" data-testid="invite-email" />}
        </Field>
        <Field label="Role">
          {(p) => (
            <Select {...p} name="role" defaultValue="user">
              <option value="user">User</option>
              <option value="admin">Admin</option>
            </Select>
          )}
        </Field>
        <Field label="Expires in">
          {(p) => (
            <Select {...p} name="expires" defaultValue="72">
              <option value="24">1 day</option>
              <option value="72">3 days</option>
              <option value="168">7 days</option>
            </Select>
          )}
        </Field>
        <Button type="submit" variant="primary" loading={create.isPending} data-testid="invite-submit">
          <MailPlus className="size-4" /> Create invite link
        </Button>
      </div>
      {link && <OneTimeLink url={link.url} expiresAt={link.expires_at} what="invite link" />}
    </form>
  );
}

function CreateUserDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const create = useCreateUser();
  const fields = isApiError(create.error) ? create.error.fieldErrors() : {};
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Create a user" description="They sign in with this email and password; they can change both names and password on their profile." data-testid="create-user-dialog">
      <form
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          create.mutate(
            { email: String(f.get("email")), name: String(f.get("name")), password: String(f.get("password")), role: String(f.get("role")) as "admin" | "user" },
            { onSuccess: () => onOpenChange(false) },
          );
        }}
      >
        <FormError>{create.error && !Object.keys(fields).length ? create.error.message : null}</FormError>
        <Field label="Name" error={fields.name}>{(p) => <Input {...p} name="name" required maxLength={100} />}</Field>
        <Field label="Email" error={fields.email}>{(p) => <Input {...p} name="email" type="email" required />}</Field>
        <Field label="Initial password" error={fields.password} hint="At least 8 characters">{(p) => <Input {...p} name="password" type="password" autoComplete="new-password" required minLength={8} />}</Field>
        <Field label="Role">
          {(p) => (
            <Select {...p} name="role" defaultValue="user">
              <option value="user">User</option>
              <option value="admin">Admin</option>
            </Select>
          )}
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <Button type="button" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" variant="primary" loading={create.isPending} data-testid="create-user-submit">Create user</Button>
        </div>
      </form>
    </Dialog>
  );
}

function UserRow({ u, me, onReset }: { u: AdminUser; me: string; onReset: (u: AdminUser) => void }) {
  const update = useUpdateUser();
  return (
    <tr className="border-t border-zinc-200 dark:border-zinc-800" data-testid={`user-row-${u.email}`}>
      <td className="px-4 py-2">
        <div className="font-medium">{u.name}{u.id === me && <span className="ml-1.5 text-xs text-zinc-500">(you)</span>}</div>
        <div className="text-xs text-zinc-500">{u.email}</div>
      </td>
      <td className="px-4 py-2">
        <div className="flex gap-1.5">
          {u.role === "admin" ? <Badge tone="violet">admin</Badge> : <Badge>user</Badge>}
          {u.disabled && <Badge tone="red">disabled</Badge>}
        </div>
      </td>
      <td className="px-4 py-2 text-xs text-zinc-500">{u.project_count ?? 0}</td>
      <td className="px-4 py-2 text-xs text-zinc-500"><RelativeTime iso={u.created_at} /></td>
      <td className="px-4 py-2">
        <div className="flex justify-end gap-1.5">
          <Button size="sm" disabled={update.isPending} onClick={() => update.mutate({ id: u.id, role: u.role === "admin" ? "user" : "admin" })} data-testid="toggle-admin">
            {u.role === "admin" ? <ShieldOff className="size-3.5" /> : <ShieldCheck className="size-3.5" />}
            {u.role === "admin" ? "Demote" : "Make admin"}
          </Button>
          {u.id !== me && (
            <Button size="sm" variant={u.disabled ? "secondary" : "danger"} disabled={update.isPending} onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })} data-testid="toggle-disabled">
              {u.disabled ? "Enable" : "Disable"}
            </Button>
          )}
          <Button size="sm" onClick={() => onReset(u)} data-testid="reset-link">
            <KeyRound className="size-3.5" /> Reset link
          </Button>
        </div>
      </td>
    </tr>
  );
}

export function UsersView({ me }: { me: string }) {
  const [q, setQ] = useState("");
  const users = useUsers(q.trim());
  const invites = useInvites();
  const revoke = useRevokeInvite();
  const [creating, setCreating] = useState(false);
  const [reset, setReset] = useState<{ user: AdminUser; link: NewLink } | null>(null);

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Invite someone" icon={<MailPlus />} />
        <CardBody>
          <InviteForm />
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Users"
          icon={<Users />}
          actions={
            <div className="flex items-center gap-2">
              <div className="relative">
                <Search className="pointer-events-none absolute top-2 left-2 size-4 text-zinc-400" />
                <Input aria-label="Search users" placeholder="Search name or email" className="!h-8 w-56 pl-7 text-[13px]" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} />
              </div>
              <Button size="sm" variant="primary" onClick={() => setCreating(true)} data-testid="create-user">
                <UserPlus className="size-3.5" /> Create user
              </Button>
            </div>
          }
        />
        {users.isPending ? (
          <CardBody className="space-y-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </CardBody>
        ) : users.isError ? (
          <ErrorState title="Could not load the users" error={users.error} onRetry={() => void users.refetch()} retrying={users.isFetching} />
        ) : users.data.users.length === 0 ? (
          <EmptyState compact icon={<Users />} title={q ? "No user matches" : "No users yet"} />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-[13px]" data-testid="users-table">
              <thead className="text-xs text-zinc-500">
                <tr>
                  <th className="px-4 py-2 font-medium">User</th>
                  <th className="px-4 py-2 font-medium">Role</th>
                  <th className="px-4 py-2 font-medium">Projects</th>
                  <th className="px-4 py-2 font-medium">Joined</th>
                  <th className="px-4 py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {users.data.users.map((u) => (
                  <UserRow
                    key={u.id}
                    u={u}
                    me={me}
                    onReset={(user) => accountsApi.resetLink(user.id).then((link) => setReset({ user, link }), toastError)}
                  />
                ))}
              </tbody>
            </table>
            {users.data.total > users.data.users.length && <p className="px-4 py-2 text-xs text-zinc-500">Showing {users.data.users.length} of {users.data.total}: search to narrow.</p>}
          </div>
        )}
      </Card>

      <Card>
        <CardHeader title="Invites" icon={<MailPlus />} />
        {invites.isPending ? (
          <CardBody><Skeleton className="h-8" /></CardBody>
        ) : invites.isError ? (
          <ErrorState title="Could not load the invites" error={invites.error} onRetry={() => void invites.refetch()} retrying={invites.isFetching} />
        ) : invites.data.length === 0 ? (
          <EmptyState compact icon={<MailPlus />} title="No invites yet">Invite links you create appear here (never their secret).</EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-200 text-[13px] dark:divide-zinc-800" data-testid="invites-list">
            {invites.data.map((i) => (
              <li key={i.id} className="flex items-center gap-3 px-4 py-2">
                <span className="min-w-0 flex-1 truncate">{i.email ?? <span className="text-zinc-500">anyone with the link</span>}</span>
                <Badge tone={i.status === "pending" ? "indigo" : i.status === "used" ? "green" : "neutral"}>{i.status}</Badge>
                <span className="text-xs text-zinc-500">{i.status === "pending" ? `expires ${formatAbsolute(i.expires_at)}` : <RelativeTime iso={i.created_at} />}</span>
                {i.status === "pending" && (
                  <Button size="sm" variant="danger" onClick={() => revoke.mutate(i)}>Revoke</Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <CreateUserDialog open={creating} onOpenChange={setCreating} />
      <Dialog open={!!reset} onOpenChange={(o) => !o && setReset(null)} title={`Password reset link for ${reset?.user.name ?? ""}`} description="Send it to them privately; it replaces any older reset link.">
        {reset && <OneTimeLink url={reset.link.url} expiresAt={reset.link.expires_at} what="reset link" />}
      </Dialog>
    </div>
  );
}
