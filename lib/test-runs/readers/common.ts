// What every output reader shares: the result shape, the reader interface, and small text helpers.
import { stripVTControlCharacters } from "node:util";
import type { ParsedResult } from "../parsers";

export type { ParsedResult };
export type Stream = "stdout" | "stderr";

/** The readers of a command's output, by the name a run records. */
export type ReaderName = "tap" | "node-spec" | "vitest" | "jest" | "pytest" | "go" | "go-json" | "cargo";

/** The tool behind a reader or a JUnit file: a tool's own JUnit file repeats what its output already said. */
export type Tool = "node" | "vitest" | "jest" | "pytest" | "go" | "cargo";

export type ReaderSink = {
  /**
   * A finished test. `deferred`: it comes from an end-of-run summary (pytest without -v), so nothing is lost by
   * holding it until the command ends, when a JUnit file of the same tool, if any, is preferred to it.
   */
  result: (r: ParsedResult, opts?: { deferred?: boolean }) => void;
  /** How many tests the tool announced it will run. */
  plan: (total: number) => void;
};

export interface LineReader {
  /** One whole output line, colour codes removed, without its newline. */
  line(stream: Stream, text: string): void;
  /** Raw text instead of lines (the TAP reader, which keeps its own buffer). */
  raw?(stream: Stream, text: string): void;
  /** Nothing arrived for a moment: release a finished test that still waits for lines that may follow it. */
  idle?(): void;
  end(): void | Promise<void>;
}

export type ReaderSpec = {
  name: ReaderName;
  tool: Tool | null;
  /** True when this line, seen before any reader was chosen, says the output is this reader's. */
  detect(stream: Stream, line: string): boolean;
  create(sink: ReaderSink): LineReader;
};

export const MAX_ERROR_CHARS = 4000;
export const MAX_NAME_CHARS = 500;
/** Lines kept for one failure's message while it is being read. */
export const MAX_BLOCK_LINES = 200;

/** Colour and cursor codes out; what a carriage return overwrote out. */
export function cleanLine(line: string): string {
  let s = line.endsWith("\r") ? line.slice(0, -1) : line;
  const cr = s.lastIndexOf("\r");
  if (cr >= 0) s = s.slice(cr + 1);
  return stripVTControlCharacters(s);
}

export const indentOf = (line: string) => line.length - line.trimStart().length;

/** A block of lines as a message: common indentation and surrounding blank lines removed, bounded. */
export function blockText(lines: readonly string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === "") start++;
  while (end > start && lines[end - 1]!.trim() === "") end--;
  const body = lines.slice(start, end);
  const indent = Math.min(...body.filter((l) => l.trim() !== "").map(indentOf));
  const text = body.map((l) => (l.trim() === "" ? "" : l.slice(Number.isFinite(indent) ? indent : 0).trimEnd())).join("\n");
  return text.length > MAX_ERROR_CHARS ? text.slice(0, MAX_ERROR_CHARS - 2) + " …" : text;
}

/** A JavaScript stack cut to its first frames (the rest is the runner's own machinery): "at …" stands for them. */
export function shortStack(lines: readonly string[], frames = 4): string[] {
  const out: string[] = [];
  let seen = 0;
  for (const l of lines) {
    const frame = /^(\s+)at .*?( \{)?$/.exec(l);
    if (!frame || ++seen <= frames) out.push(l);
    else if (seen === frames + 1) out.push(`${frame[1]}at …${frame[2] ?? ""}`);
    else if (frame[2]) out[out.length - 1] += " {";
  }
  return out;
}

/** A block that collects at most MAX_BLOCK_LINES lines. */
export function pushBounded(lines: string[], line: string) {
  if (lines.length < MAX_BLOCK_LINES) lines.push(line);
}

export function result(name: string, status: ParsedResult["status"], durationMs: number | null, error?: string | null): ParsedResult {
  return {
    name: name.slice(0, MAX_NAME_CHARS) || "(unnamed test)",
    status,
    duration_ms: durationMs !== null && Number.isFinite(durationMs) && durationMs >= 0 ? durationMs : null,
    ...(status === "failed" ? { error: (error || "failed").slice(0, MAX_ERROR_CHARS) } : {}),
  };
}
