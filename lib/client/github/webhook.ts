"use client";
// A project's own GitHub webhook settings (owners and admins): URL, secret, rotation, the admin's link to the
// instance-wide endpoint, and the last deliveries. REST only; the secret is never in an event.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../api";
import type { WebhookSettings } from "@/lib/contract";
import type { Me } from "../types";

export type { WebhookDelivery, WebhookSettings } from "@/lib/contract";

const key = (projectId: string) => ["webhook", projectId] as const;
const path = (projectId: string) => `/projects/${encodeURIComponent(projectId)}/webhook`;

export function useWebhookSettings(projectId: string, enabled: boolean) {
  return useQuery({ queryKey: key(projectId), queryFn: ({ signal }) => apiFetch<WebhookSettings>(path(projectId), { signal }), enabled, staleTime: 0 });
}

export function useRotateWebhookSecret(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<WebhookSettings>(`${path(projectId)}/rotate`, { method: "POST" }),
    onSuccess: (s) => qc.setQueryData(key(projectId), s),
  });
}

export function useLinkInstanceWebhook(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (linked: boolean) => apiFetch<WebhookSettings>(path(projectId), { method: "PUT", body: { linked_to_instance_webhook: linked } }),
    onSuccess: (s) => qc.setQueryData(key(projectId), s),
  });
}

export function useMe() {
  return useQuery({ queryKey: ["me"], queryFn: ({ signal }) => apiFetch<{ user: Me }>("/me", { signal }).then((r) => r.user), staleTime: 60_000 });
}
