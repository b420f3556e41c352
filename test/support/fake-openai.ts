// A small OpenAI-compatible HTTP server for tests: streams chat completions as SSE and reports usage.
// What it answers is chosen by a marker in the request text:
//   (none)       a valid unified diff appending a line to README.md (computed from the README sent as context)
//   [[nodiff]]   prose without a diff          [[baddiff]]  a ```diff block that does not apply
//   [[escape]]   a diff touching ../outside    [[http500]]  HTTP 500 with an OpenAI-style error body
//   [[hang]]     one chunk, then nothing (the client must time out)
//   [[slow]]     the valid diff, streamed slowly (for watching it arrive)
//   [[paused]]   long prose (FakeOpenAI.LONG_ANSWER, no diff): its first third streamed, then nothing until
//                resume() (whenPaused() resolves meanwhile), then the rest slowly (for opening a page mid-answer)
// Review requests (response_format json_schema "code_review", or the reviewer's system prompt) get a JSON review
// (FakeOpenAI.reviewFor): one suggestion on the first added line of the diff sent, one about the whole change.
// In a review request, [[garbage]] or the word "garbage-review" anywhere answers text that is not JSON, and
// [[badreview]] / "badshape-review" answers JSON of the wrong shape.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTwoFilesPatch } from "diff";

export type FakeRequest = { body: any; authorization?: string; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };

export class FakeOpenAI {
  url = "";
  requests: FakeRequest[] = [];
  private server: http.Server;
  private open = new Set<http.ServerResponse>();
  private pausedAt: ((sent: string) => void) | null = null;
  private pausedSignal = new Promise<string>((r) => (this.pausedAt = r));
  private release: (() => void) | null = null;
  private released = new Promise<void>((r) => (this.release = r));

  /** 60 numbered sentences of plain prose: a doubled or missing fragment shows in any part of it. */
  static readonly LONG_ANSWER = Array.from({ length: 60 }, (_, i) => `Sentence ${i + 1} of the long answer says nothing new.`).join(" ");

  /** A [[paused]] answer stopped part-way: resolves with the text streamed so far. */
  whenPaused(): Promise<string> {
    return this.pausedSignal;
  }

  /** Let a [[paused]] answer go on. */
  resume() {
    this.release?.();
  }

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop() {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The answer the fake gives for a request (also what tests compare against). */
  static answerFor(text: string): string {
    if (text.includes("[[paused]]")) return FakeOpenAI.LONG_ANSWER;
    if (text.includes("[[nodiff]]")) return "I looked at the repository and no change is needed for this request.";
    if (text.includes("[[baddiff]]")) {
      return "Here you go.\n```diff\n--- a/README.md\n+++ b/README.md\n@@ -10,2 +10,3 @@\n this line does not exist\n+an added line\n another missing line\n```\n";
    }
    if (text.includes("[[escape]]")) {
      return "Editing outside.\n```diff\n--- a/../outside.txt\n+++ b/../outside.txt\n@@ -0,0 +1 @@\n+escaped\n```\n";
    }
    const m = /### README\.md\n```\n([\s\S]*?)\n```/.exec(text);
    const before = m ? m[1]! : "";
    const request = /Request:\n([^\n]*)/.exec(text)?.[1] ?? "change";
    const after = `${before.replace(/\n?$/, "\n")}Added by the model: ${request.replace(/\[\[\w+\]\]/g, "").trim()}\n`;
    const patch = createTwoFilesPatch("a/README.md", "b/README.md", before.endsWith("\n") ? before : before + "\n", after, "", "", { context: 3 })
      .split("\n")
      .filter((l) => !l.startsWith("====="))
      .join("\n");
    return `I will add one line to README.md.\n\n\`\`\`diff\n${patch.trim()}\n\`\`\`\n\nThat is all.`;
  }

  static isReview(body: any): boolean {
    return body?.response_format?.json_schema?.name === "code_review" || (body?.messages?.[0]?.content ?? "").includes("Switchboard's code reviewer");
  }

  /** The review the fake gives for a review request's text. */
  static reviewFor(text: string): string {
    if (text.includes("[[garbage]]") || text.includes("garbage-review")) return "Looks fine to me! {not: json";
    if (text.includes("[[badreview]]") || text.includes("badshape-review")) return JSON.stringify({ summary: 3, suggestions: [{ title: "x" }] });
    let file: string | null = null;
    let line: number | null = null;
    let next = 0;
    for (const l of text.split("\n")) {
      const f = /^\+\+\+ b\/(.+)$/.exec(l);
      if (f) {
        if (line === null) file = f[1]!;
        continue;
      }
      const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
      if (h) {
        next = Number(h[1]);
        continue;
      }
      if (line !== null || !file || next === 0) continue;
      if (l.startsWith("+")) line = next;
      else if (!l.startsWith("-")) next++;
    }
    const suggestions = [];
    if (file && line !== null) {
      suggestions.push({
        category: "maintainability",
        title: "Explain the added line",
        description: `The line added to ${file} has no context; readers will not know why it is there.`,
        severity: "warning",
        confidence: 0.82,
        suggested_action: "Add a short sentence saying why the line was added.",
        file_path: file,
        line_number: line,
      });
    }
    suggestions.push({
      category: "refactor",
      title: "Keep changes small",
      description: "The change is easy to review; keep follow-ups just as small.",
      severity: "info",
      confidence: 0.6,
      suggested_action: "Split larger follow-ups into separate patches.",
      file_path: file,
      line_number: null,
    });
    return JSON.stringify({ summary: `Reviewed ${file ?? "the description"}: ${suggestions.length} suggestion(s).`, suggestions });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = "";
    for await (const c of req) raw += c;
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const body = JSON.parse(raw);
    // Markers are read from the newest message only: earlier turns (history) may carry other markers.
    const text = (body.messages as { content: string }[]).at(-1)?.content ?? "";
    const usage = { prompt_tokens: 100 + (raw.length % 900), completion_tokens: 37 + (raw.length % 50), total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    this.requests.push({ body, authorization: req.headers.authorization, usage });

    if (text.includes("[[http500]]")) {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "The fake model is down", type: "server_error" } }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    this.open.add(res);
    res.on("close", () => this.open.delete(res));
    const id = `chatcmpl-${this.requests.length}`;
    const send = (delta: object, extra: object = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: body.model, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`);
    send({ role: "assistant", content: "" });
    if (text.includes("[[hang]]")) {
      send({ content: "Thinking" });
      return; // never ends
    }
    const answer = FakeOpenAI.isReview(body) ? FakeOpenAI.reviewFor(text) : FakeOpenAI.answerFor(text);
    const slow = text.includes("[[slow]]");
    const pauseAt = text.includes("[[paused]]") && !FakeOpenAI.isReview(body) ? Math.floor(answer.length / 3 / 12) * 12 : -1;
    for (let i = 0; i < answer.length; i += 12) {
      if (i === pauseAt) {
        this.pausedAt?.(answer.slice(0, i));
        await this.released;
      }
      send({ content: answer.slice(i, i + 12) });
      if (slow) await new Promise((r) => setTimeout(r, 25));
      else if (pauseAt >= 0) await new Promise((r) => setTimeout(r, i < pauseAt ? 5 : 40));
    }
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`);
    if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: body.model, choices: [], usage })}\n\n`);
    res.write("data: [DONE]\n\n");
    res.end();
  }
}
