// React Query keys of workflows.
export const workflowKeys = {
  list: (projectId: string) => ["workflows", projectId] as const,
  detail: (id: string) => ["workflow", id] as const,
};
