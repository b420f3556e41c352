// React Query keys: the one place they are spelled.
export const keys = {
  me: ["me"] as const,
  projects: ["projects"] as const,
  project: (id: string) => ["project", id] as const,
  members: (projectId: string) => ["members", projectId] as const,
  events: (projectId: string) => ["events", projectId] as const,
};
