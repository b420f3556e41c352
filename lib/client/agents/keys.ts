// Query keys of this feature (kept here so the shared keys.ts stays untouched by it).
export const agentKeys = {
  agents: ["agents"] as const,
  projectAgents: (projectId: string) => ["project-agents", projectId] as const,
  tokens: ["tokens"] as const,
};
