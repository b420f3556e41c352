// How an agent's presence is coloured.
import type { AgentStatus } from "@/lib/contract";

export const STATUS_TONE: Record<AgentStatus, "green" | "amber" | "red" | "neutral" | "indigo"> = {
  online: "green",
  idle: "indigo",
  busy: "amber",
  error: "red",
  offline: "neutral",
};
