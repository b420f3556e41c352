// One line per envelope for the activity feed. Known types read as sentences; any other type
// (later features add many) gets a generic summary of its data, so the feed never breaks.
import type { Envelope } from "@/lib/realtime/events";

export type EventLine = { actor: string | null; summary: string };

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const quote = (s: string) => `“${s.length > 60 ? s.slice(0, 59) + "…" : s}”`;
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
export function describeEvent(env: Envelope, nameOf: (userId: string) => string | null): EventLine {
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
    default:
      return { actor: null, summary: summarizeData(d) || env.type };
  }
}
