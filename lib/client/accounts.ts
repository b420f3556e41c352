// Account administration and the profile, in the browser: REST calls and React Query hooks.
"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./api";
import { toast, toastError } from "./toast";

export type AdminUser = { id: string; email: string; name: string; role: "admin" | "user"; disabled: boolean; disabled_at: string | null; created_at: string; project_count?: number };
export type Invite = { id: string; email: string | null; role: "admin" | "user"; project_id: string | null; project_role: string | null; status: "pending" | "used" | "expired" | "revoked"; expires_at: string; used_at: string | null; created_at: string };
export type NewLink = { url: string; token: string; expires_at: string };
export type AuditEntry = { id: string; action: string; outcome: "success" | "failure"; actor_id: string | null; actor_email: string | null; target_type: string | null; target_id: string | null; project_id: string | null; ip: string | null; request_id: string | null; trace_id: string | null; details: Record<string, unknown>; created_at: string };

const enc = encodeURIComponent;

export const accountsApi = {
  listUsers: (q: string, signal?: AbortSignal) => apiFetch<{ users: AdminUser[]; total: number }>(`/users?limit=200${q ? `&q=${enc(q)}` : ""}`, { signal }),
  createUser: (body: { email: string; name: string; password: string; role: "admin" | "user" }) => apiFetch<AdminUser>("/users", { method: "POST", body }),
  updateUser: (id: string, body: { role?: "admin" | "user"; disabled?: boolean }) => apiFetch<AdminUser>(`/users/${enc(id)}`, { method: "PATCH", body }),
  resetLink: (id: string) => apiFetch<NewLink & { user_id: string }>(`/users/${enc(id)}/password-reset`, { method: "POST", body: {} }),
  listInvites: (signal?: AbortSignal) => apiFetch<{ invites: Invite[] }>("/invites", { signal }).then((r) => r.invites),
  createInvite: (body: { email?: string | null; role: "admin" | "user"; expires_in_hours: number }) => apiFetch<Invite & NewLink>("/invites", { method: "POST", body }),
  revokeInvite: (id: string) => apiFetch<void>(`/invites/${enc(id)}`, { method: "DELETE" }),
  inviteMember: (projectId: string, body: { email: string; role: string }) =>
    apiFetch<{ invite: Invite & NewLink }>(`/projects/${enc(projectId)}/members`, { method: "POST", body: { ...body, invite: true } }).then((r) => r.invite),
  audit: (before: string | null, action: string, signal?: AbortSignal) =>
    apiFetch<{ entries: AuditEntry[]; next_before: string | null }>(`/audit?limit=50${before ? `&before=${enc(before)}` : ""}${action ? `&action=${enc(action)}` : ""}`, { signal }),
  updateProfile: (body: { name?: string; password?: string; current_password?: string }) =>
    apiFetch<{ user: { id: string; name: string; email: string } }>("/me", { method: "PATCH", body }),
  peekInvite: (token: string) => apiFetch<{ valid: boolean; email?: string | null; reason?: string; expires_at?: string }>("/auth/invite", { method: "POST", body: { token } }),
  useReset: (token: string, password: string) => apiFetch<void>("/auth/password-reset", { method: "POST", body: { token, password } }),
};

const keys = { users: (q: string) => ["admin", "users", q] as const, invites: ["admin", "invites"] as const, audit: (a: string) => ["admin", "audit", a] as const };

export const useUsers = (q: string) => useQuery({ queryKey: keys.users(q), queryFn: ({ signal }) => accountsApi.listUsers(q, signal) });
export const useInvites = () => useQuery({ queryKey: keys.invites, queryFn: ({ signal }) => accountsApi.listInvites(signal) });

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: "admin" | "user"; disabled?: boolean }) => accountsApi.updateUser(id, body),
    onSuccess: (u) => {
      void qc.invalidateQueries({ queryKey: ["admin", "users"] });
      toast(`${u.name}: ${u.disabled ? "disabled" : u.role === "admin" ? "admin" : "active user"}`);
    },
    onError: (e) => toastError(e),
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: accountsApi.createUser, onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "users"] }) });
}

export function useCreateInvite() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: accountsApi.createInvite, onSuccess: () => void qc.invalidateQueries({ queryKey: keys.invites }) });
}

export function useRevokeInvite() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (i: Invite) => accountsApi.revokeInvite(i.id), onSuccess: () => void qc.invalidateQueries({ queryKey: keys.invites }), onError: (e) => toastError(e) });
}

export const useAudit = (action: string) =>
  useInfiniteQuery({
    queryKey: keys.audit(action),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => accountsApi.audit(pageParam, action, signal),
    getNextPageParam: (last) => last.next_before,
  });
