// What the model sees: the request, the file list and the most relevant files within a size budget,
// the session's recent exchanges, and the instruction to answer with one unified diff.
import type { FileEntry } from "../workspaces/service";
import type { ChatMessage } from "../llm/client";

export const CONTEXT_BUDGET_BYTES = 48 * 1024;
const MAX_LISTED_FILES = 400;
const HISTORY_TURNS = 4;
const HISTORY_CHARS = 2000;

export const SYSTEM_PROMPT = [
  "You are Switchboard's coding assistant, working in a git repository for a software team.",
  "Explain your change in a few sentences, then give the whole change as ONE unified diff in a single ```diff fenced block.",
  "In the diff use paths relative to the repository root with a/ and b/ prefixes (--- a/path, +++ b/path; --- /dev/null for a new file),",
  "include correct hunk headers and enough context lines for `git apply`, and never touch paths outside the repository or under .git.",
  "If no change is needed, say so and give no diff.",
].join(" ");

/** Rank files: named in the request first, then small text files, up to the byte budget. */
export function pickContextFiles(prompt: string, files: FileEntry[], budget = CONTEXT_BUDGET_BYTES): FileEntry[] {
  const text = prompt.toLowerCase();
  const score = (f: FileEntry) => {
    const base = f.path.split("/").pop()!.toLowerCase();
    if (text.includes(f.path.toLowerCase())) return 0;
    if (base.length > 2 && text.includes(base)) return 1;
    if (/^readme/i.test(base) || base === "package.json") return 2;
    return 3;
  };
  const ranked = files
    .filter((f) => f.size > 0 && f.size <= budget && !/\.(png|jpe?g|gif|ico|pdf|zip|gz|woff2?|lock)$/i.test(f.path))
    .sort((a, b) => score(a) - score(b) || a.size - b.size);
  const picked: FileEntry[] = [];
  let used = 0;
  for (const f of ranked) {
    if (used + f.size > budget) continue;
    picked.push(f);
    used += f.size;
  }
  return picked;
}


export function buildMessages(input: {
  prompt: string;
  files: FileEntry[];
  contents: { path: string; content: string }[];
  history: { prompt: string; reply: string }[];
}): ChatMessage[] {
  const listed = input.files.slice(0, MAX_LISTED_FILES).map((f) => f.path);
  const more = input.files.length - listed.length;
  const context = input.contents.map((c) => `### ${c.path}\n\`\`\`\n${c.content}\n\`\`\``).join("\n\n");
  const messages: ChatMessage[] = [{ role: "system", content: SYSTEM_PROMPT }];
  for (const turn of input.history.slice(-HISTORY_TURNS)) {
    messages.push({ role: "user", content: turn.prompt.slice(0, HISTORY_CHARS) });
    if (turn.reply) messages.push({ role: "assistant", content: turn.reply.slice(0, HISTORY_CHARS) });
  }
  messages.push({
    role: "user",
    content: [
      `Request:\n${input.prompt}`,
      `Files in the repository (${input.files.length}):\n${listed.join("\n")}${more > 0 ? `\n… and ${more} more` : ""}`,
      context ? `Relevant files (current content):\n\n${context}` : "No file content is included.",
    ].join("\n\n"),
  });
  return messages;
}
