// One line per envelope for the activity feed. Known types read as sentences; any other type
// (later features add many) gets a generic summary of its data, so the feed never breaks.
import type { AnyEnvelope } from "@/lib/contract";
import { formatDuration, STATUS_LABEL, type RunStatus } from "./runs/api";

export type EventLine = { actor: string | null; summary: string };

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const quote = (s: string) => `“${s.length > 60 ? s.slice(0, 59) + "…" : s}”`;
const fileCount = (files: unknown) => (Array.isArray(files) && files.length === 1 ? "1 file" : `${Array.isArray(files) ? files.length : 0} files`);
const withArticle = (role: string) => (role === "owner" ? "an owner" : `a ${role}`);

const FIELD_WORDS: Record<string, (d: Data) => string> = {
  name: (d) => `renamed the project to ${quote(str(d.name))}`,
  description: (d) => (str(d.description) ? "updated the description" : "cleared the description"),
  repository_url: (d) => (str(d.repository_url) ? `set the repository to ${str(d.repository_url)}` : "removed the repository"),
  test_command: (d) => (str(d.test_command) ? `set the test command to \`${str(d.test_command)}\`` : "removed the test command"),
  status: (d) => (d.status === "archived" ? "archived the project" : "restored the project"),
};

/** Keys worth showing first when summarising an unknown event's data. */
const SALIENT = ["message", "content", "name", "title", "status", "current_step", "progress", "percentage", "tool_name", "error", "code"];
const HIDDEN = new Set(["id", "project_id", "trace_id"]);

export function summarizeData(data: unknown, max = 140): string {
  if (!data || typeof data !== "object") return "";
  const entries = Object.entries(data as Data).filter(
    ([k, v]) => !HIDDEN.has(k) && (typeof v === "string" || typeof v === "number" || typeof v === "boolean") && String(v).trim() !== "",
  );
  entries.sort(([a], [b]) => rank(a) - rank(b));
  const text = entries.map(([k, v]) => `${k.replace(/_/g, " ")}: ${String(v).replace(/\s+/g, " ")}`).join(" · ");
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
const rank = (k: string) => (SALIENT.includes(k) ? SALIENT.indexOf(k) : SALIENT.length);

/** `nameOf` turns a user id into a display name ("You" for the viewer), or null when unknown. */
export function describeEvent(env: AnyEnvelope, nameOf: (userId: string) => string | null): EventLine {
  const d = env.data as Data;
  const actor = (id: unknown) => nameOf(str(id)) ?? "Someone";
  const object = (id: unknown, fallback?: string) => {
    const n = nameOf(str(id));
    return n === "You" ? "you" : (n ?? (fallback || "someone"));
  };
  switch (env.type) {
    case "project.created":
      return { actor: actor(d.created_by), summary: `created the project ${quote(str(d.name))}` };
    case "project.updated": {
      const fields = ((d.changes as { fields?: unknown } | undefined)?.fields ?? []) as string[];
      const parts = fields.map((f) => FIELD_WORDS[f]?.(d) ?? `changed ${f.replace(/_/g, " ")}`);
      return { actor: actor(d.updated_by), summary: parts.join(", ") || "updated the project" };
    }
    case "project.deleted":
      return { actor: actor(d.deleted_by), summary: "deleted the project" };
    case "member.added":
      return { actor: actor(d.added_by), summary: `added ${object(d.user_id, str(d.name) || str(d.email))} as ${withArticle(str(d.role))}` };
    case "member.updated":
      return { actor: actor(d.updated_by), summary: `made ${object(d.user_id, str(d.name) || str(d.email))} ${withArticle(str(d.role))}` };
    case "member.removed":
      return d.removed_by === d.user_id
        ? { actor: actor(d.user_id), summary: "left the project" }
        : { actor: actor(d.removed_by), summary: `removed ${object(d.user_id)}` };
    case "test_run.created":
      return { actor: actor(d.started_by), summary: d.source === "external" ? "started a CI test run" : `started a test run${str(d.command) ? ` of \`${str(d.command)}\`` : ""}` };
    case "test_started":
      return { actor: null, summary: `Test run started${typeof d.total === "number" ? ` with ${d.total} tests` : ""}` };
    case "test_result":
      return { actor: null, summary: `Test ${quote(str(d.name))} ${str(d.status)}${typeof d.duration_ms === "number" ? ` in ${formatDuration(d.duration_ms)}` : ""}` };
    case "test_completed": {
      const counts = `${Number(d.passed)} passed, ${Number(d.failed)} failed, ${Number(d.skipped)} skipped`;
      const how = STATUS_LABEL[str(d.status) as RunStatus]?.toLowerCase() ?? str(d.status);
      return { actor: null, summary: `Test run ${how}: ${counts} in ${formatDuration(Number(d.duration_ms))}${str(d.error) && !["failed", "cancelled"].includes(str(d.status)) ? ` (${str(d.error)})` : ""}` };
    }
    case "agent.connected":
      return { actor: null, summary: `Agent ${quote(str(d.agent_name))} connected` };
    case "agent.disconnected":
      return { actor: null, summary: `Agent ${quote(str(d.agent_name))} disconnected${str(d.reason) === "deleted" ? " (deleted)" : ""}` };
    case "agent.status_changed":
      return { actor: null, summary: `Agent ${quote(str(d.agent_name))} is ${str(d.status)}${typeof d.availability === "number" ? ` (${d.availability}% available)` : ""}` };
    case "agent:thought":
      return { actor: null, summary: `The agent is thinking: ${quote(str(d.content))}` };
    case "agent:tool_call":
      return { actor: null, summary: `The agent's ${str(d.tool_name) || "tool"} call is ${str(d.status).replace(/_/g, " ") || "made"}${str(d.message) ? `: ${str(d.message)}` : ""}` };
    case "agent:result":
      return { actor: null, summary: `The agent produced a ${str(d.content_type) || "result"}` };
    case "agent:error":
      return { actor: null, summary: `The agent hit an error${str(d.code) ? ` (${str(d.code)})` : ""}: ${str(d.message)}` };
    case "workflow.started":
      return { actor: null, summary: `Workflow ${quote(str(d.name))} started` };
    case "workflow.progress": {
      const logs = Array.isArray(d.logs) ? d.logs.filter((l) => typeof l === "string") : [];
      return { actor: null, summary: `Workflow at ${Number(d.progress)}%${logs.length ? `: ${logs[logs.length - 1]}` : ""}` };
    }
    case "workflow.completed":
      return { actor: null, summary: `Workflow ${quote(str(d.name))} completed` };
    case "workflow.failed":
      return { actor: null, summary: `Workflow ${quote(str(d.name))} ${d.reason === "stale" ? "went stale" : "failed"}${str(d.error) ? `: ${str(d.error)}` : ""}` };
    case "workflow.cancelled":
      return { actor: d.cancelled_by ? actor(d.cancelled_by) : null, summary: `cancelled workflow ${quote(str(d.name))}` };
    case "workflow.agent_status":
      return { actor: null, summary: `${str(d.agent_name) || "The agent"} of a workflow is ${str(d.agent_status)}` };
    case "session.created":
      return { actor: actor(d.user_id), summary: "started a vibecode session" };
    case "vibecode_request":
      return { actor: actor(d.user_id), summary: `asked the model: ${quote(str(d.prompt))}` };
    case "vibecode_chunk":
      return { actor: null, summary: `The model's answer is streaming (part ${Number(d.seq) + 1})` };
    case "vibecode_response":
      return { actor: null, summary: d.status === "proposed" ? `The model proposed a patch to ${fileCount(d.files)}` : `The model answered without an applicable patch${str(d.error) ? `: ${str(d.error)}` : ""}` };
    case "vibecode_error":
      return { actor: null, summary: `The model could not answer: ${str(d.message)}` };
    case "patch.applied":
      return { actor: actor(d.applied_by), summary: `applied a patch to ${fileCount(d.files)} (commit ${str(d.commit).slice(0, 7)})` };
    case "patch.rejected":
      return { actor: actor(d.rejected_by), summary: "rejected a proposed patch" };
    case "pr.created":
    case "pr.updated":
    case "pr.closed":
      return { actor: str(d.sender) || str(d.author) || null, summary: `${str(d.action) || "updated"} pull request #${Number(d.number)} ${quote(str(d.title))}${d.status === "merged" ? " (merged)" : ""}` };
    case "issue.created":
    case "issue.updated":
    case "issue.closed":
      return { actor: str(d.sender) || str(d.author) || null, summary: `${str(d.action) || "updated"} issue #${Number(d.number)} ${quote(str(d.title))}` };
    case "repo.push":
      return { actor: str(d.pusher) || null, summary: `pushed ${Number(d.commit_count)} commit${Number(d.commit_count) === 1 ? "" : "s"} to ${str(d.ref).replace(/^refs\/heads\//, "")}` };
    case "ai.suggestion":
      return { actor: null, summary: `AI review (${str(d.severity)}): ${str(d.title)}` };
    case "ai.analysis_complete":
      return { actor: null, summary: d.status === "completed" ? `AI review of a ${d.target_type === "pr" ? "pull request" : "patch"} finished with ${Number(d.suggestion_count)} suggestion${Number(d.suggestion_count) === 1 ? "" : "s"}` : `AI review failed: ${str(d.error)}` };
    default:
      return { actor: null, summary: summarizeData(d) || env.type };
  }
}
