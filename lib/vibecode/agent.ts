// The built-in vibecode agent: while an answer is produced it reports agent:* events and a workflow
// (started / progress / completed / failed) for the message, so the workflow views show it.
import { startWorkflow, progressWorkflow, finishWorkflow, publishWorkflowEvent } from "../workflows/service";

/** The built-in agent's fixed id (agents registered by integrations get their own). */
export const VIBECODE_AGENT_ID = "00000000-0000-4000-8000-00000000c0de";
const SOURCE = "vibecode_agent";
const TOTAL_STEPS = 4;
const STEP_NAMES: Record<number, string> = { 1: "Read the workspace", 2: "Ask the model", 3: "Check the patch", 4: "Report the answer" };

export async function createAgentReporter(input: { projectId: string; traceId: string; prompt: string; userId: string }) {
  const w = await startWorkflow({
    projectId: input.projectId,
    name: `Vibecode: ${input.prompt.split("\n")[0]!.slice(0, 60)}`,
    totalSteps: TOTAL_STEPS,
    createdBy: input.userId,
    source: SOURCE,
    traceId: input.traceId,
  });
  const ids = { workflow_id: w.id, agent_id: VIBECODE_AGENT_ID };
  const ev = <T extends "agent:thought" | "agent:tool_call" | "agent:result" | "agent:error">(type: T, data: Record<string, unknown>) =>
    publishWorkflowEvent(w, type, { ...ids, ...data } as never, SOURCE, input.traceId);
  return {
    workflowId: w.id,
    thought: (content: string) => ev("agent:thought", { content }),
    toolCall: (tool_name: string, status: string, message: string, args?: Record<string, unknown>) =>
      ev("agent:tool_call", { tool_name, status, message, ...(args ? { arguments: args } : {}) }),
    result: (r: { content_type: string; content: string }) => ev("agent:result", { status: "success", ...r }),
    error: (code: string, message: string, details: unknown = null) => ev("agent:error", { code, message, details }),
    progress: (progress: number, step: number, logs: string[]) => progressWorkflow(w.id, { progress, currentStep: step, stepName: STEP_NAMES[step], logs, source: SOURCE, traceId: input.traceId }),
    complete: (result: unknown) => finishWorkflow(w.id, { status: "completed", result }, SOURCE, input.traceId),
    fail: (error: string) => finishWorkflow(w.id, { status: "failed", error }, SOURCE, input.traceId),
  };
}
