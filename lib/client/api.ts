// fetch wrapper for /api/v1: JSON in and out, the contract's error shape surfaced as ApiError.
import type { AnyEnvelope } from "@/lib/contract";
import type { FeedPage } from "./feed";
import type { Me, Member, Project, ProjectInput, ProjectPatch, ProjectRole } from "./types";

export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Validation details as {field: message}, for inline form errors. */
  fieldErrors(): Record<string, string> {
    if (!Array.isArray(this.details)) return {};
    const out: Record<string, string> = {};
    for (const d of this.details as FieldError[]) {
      if (d && typeof d.field === "string" && typeof d.message === "string") out[d.field] ??= d.message;
    }
    return out;
  }
}

export const isApiError = (e: unknown, status?: number): e is ApiError =>
  e instanceof ApiError && (status === undefined || e.status === status);

/** React Query retry policy: a 4xx answer will not change by asking again. */
export const shouldRetry = (failureCount: number, error: unknown) =>
  !(isApiError(error) && error.status >= 400 && error.status < 500) && failureCount < 2;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function apiFetch<T>(path: string, init: { method?: Method; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: init.method ?? "GET",
      credentials: "same-origin",
      headers: init.body !== undefined ? { "content-type": "application/json" } : undefined,
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: init.signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "NETWORK", "Cannot reach the server. Check your connection and try again.");
  }
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? "HTTP_" + res.status, err?.message ?? `The server answered ${res.status}`, err?.details);
  }
  return body as T;
}

const enc = encodeURIComponent;

export const api = {
  register: (body: { email: string; password: string; name: string; invite?: string }) =>
    apiFetch<{ user: Me }>("/auth/register", { method: "POST", body }),
  me: () => apiFetch<{ user: Me }>("/me").then((r) => r.user),

  listProjects: () => apiFetch<{ projects: Project[] }>("/projects").then((r) => r.projects),
  getProject: (id: string, signal?: AbortSignal) => apiFetch<Project>(`/projects/${enc(id)}`, { signal }),
  createProject: (body: Partial<ProjectInput> & { name: string }) => apiFetch<Project>("/projects", { method: "POST", body }),
  updateProject: (id: string, body: ProjectPatch) => apiFetch<Project>(`/projects/${enc(id)}`, { method: "PUT", body }),
  deleteProject: (id: string) => apiFetch<void>(`/projects/${enc(id)}`, { method: "DELETE" }),

  listMembers: (id: string, signal?: AbortSignal) =>
    apiFetch<{ members: Member[] }>(`/projects/${enc(id)}/members`, { signal }).then((r) => r.members),
  addMember: (id: string, body: { email: string; role: ProjectRole }) =>
    apiFetch<Member>(`/projects/${enc(id)}/members`, { method: "POST", body }),
  updateMember: (id: string, userId: string, role: ProjectRole) =>
    apiFetch<Member>(`/projects/${enc(id)}/members/${enc(userId)}`, { method: "PUT", body: { role } }),
  removeMember: (id: string, userId: string) =>
    apiFetch<void>(`/projects/${enc(id)}/members/${enc(userId)}`, { method: "DELETE" }),

  projectEvents: (id: string, after: string, limit: number, signal?: AbortSignal) =>
    apiFetch<{ events: AnyEnvelope[]; next_after: string }>(`/projects/${enc(id)}/events?after=${enc(after)}&limit=${limit}`, { signal }),
  projectFeed: (id: string, q: { kinds: string; limit: number; before?: string | null }, signal?: AbortSignal) =>
    apiFetch<FeedPage>(`/projects/${enc(id)}/feed?kinds=${enc(q.kinds)}&limit=${q.limit}${q.before ? `&before=${enc(q.before)}` : ""}`, { signal }),
};
