// React Query keys of pull requests, issues and reviews.
export const githubKeys = {
  pulls: (projectId: string) => ["pull-requests", projectId] as const,
  issues: (projectId: string) => ["issues", projectId] as const,
  reviews: (type: "pr" | "code", targetId: string) => ["reviews", type, targetId] as const,
};
