// React Query keys: the one place they are spelled.
export const keys = {
  me: ["me"] as const,
  projects: ["projects"] as const,
  project: (id: string) => ["project", id] as const,
  members: (projectId: string) => ["members", projectId] as const,
  /** Every feed entry of a project (a prefix: one entry per kinds filter). */
  events: (projectId: string) => ["events", projectId] as const,
  feed: (projectId: string, kinds: string) => ["events", projectId, kinds] as const,
  testRuns: (projectId: string) => ["test-runs", projectId] as const,
  testRun: (id: string) => ["test-run", id] as const,
  job: (jobId: string) => ["job", jobId] as const,
  sessions: (projectId: string) => ["sessions", projectId] as const,
  /** Every session entry (a prefix: invalidates all of them). */
  allSessions: ["session"] as const,
  session: (id: string) => ["session", id] as const,
  usage: (projectId: string) => ["usage", projectId] as const,
  /** The workspace tree; file contents live under it, so invalidating it refreshes both. */
  files: (projectId: string) => ["files", projectId] as const,
  fileContent: (projectId: string, path: string) => ["files", projectId, "content", path] as const,
};
