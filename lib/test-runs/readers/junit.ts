// JUnit XML reports read while they are written: each file is read from where the last read stopped and fed
// to a streaming XML parser (saxes: strict, no entity expansion beyond XML's own), so a <testcase> is reported
// as soon as it is closed, not when the report is complete. Names are as parseJUnitXml gives them
// ("suite > classname > name"). The report's root says which tool wrote it (vitest, jest-junit, pytest), so a
// tool's report can be set against that tool's own output (see index.ts).
import { open, readdir } from "node:fs/promises";
import { constants } from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import type * as SaxesModule from "saxes";
import { lazy } from "../../lazy";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lib/lazy.ts)
const saxes = lazy(() => require("saxes") as typeof SaxesModule);
import { MAX_ERROR_CHARS, result, type ParsedResult, type Tool } from "./common";

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const READ_CHUNK = 256 * 1024;
const HEAD_BYTES = 256;
const MAX_DEPTH = 4;
const MAX_FILES = 200;

/** Which tool wrote a report, from its root element. */
function toolOf(element: string, name: string | undefined): Tool | null {
  if (!name) return null;
  if (element === "testsuites" && /^vitest\b/.test(name)) return "vitest";
  if (element === "testsuites" && /^jest\b/.test(name)) return "jest";
  if ((element === "testsuites" && name === "pytest tests") || (element === "testsuite" && name === "pytest")) return "pytest";
  return null;
}

export type JUnitReader = { write(text: string): void; readonly tool: Tool | null; readonly failed: boolean };

/** A streaming reader of one JUnit document: results as each <testcase> closes. */
export function createJUnitReader(on: { result: (r: ParsedResult) => void }): JUnitReader {
  const parser = new (saxes().SaxesParser)({ position: false });
  let tool: Tool | null = null;
  let failed = false;
  let root = true;
  const suites: string[] = [];
  type Case = { name: string; classname: string; time: string | undefined; failure: { message: string; text: string } | null; skipped: boolean };
  let current: Case | null = null;
  let inFailure = false;

  parser.on("opentag", (tag) => {
    const attr = tag.attributes as Record<string, string>;
    if (root) {
      root = false;
      if (tag.name !== "testsuites" && tag.name !== "testsuite") throw new Error("not a JUnit report");
      tool = toolOf(tag.name, attr.name);
      if (tag.name === "testsuites") return;
    }
    if (tag.name === "testsuite") {
      if (suites.length === 0 && tool === null) tool = toolOf("testsuite", attr.name); // pytest 7: <testsuites><testsuite name="pytest">
      suites.push(attr.name ?? "");
    }
    else if (tag.name === "testcase") current = { name: attr.name ?? "", classname: attr.classname ?? "", time: attr.time, failure: null, skipped: false };
    else if (current && (tag.name === "failure" || tag.name === "error")) {
      current.failure ??= { message: attr.message ?? "", text: "" };
      inFailure = true;
    } else if (current && tag.name === "skipped") current.skipped = true;
  });
  const onText = (t: string) => {
    if (inFailure && current?.failure && current.failure.text.length < MAX_ERROR_CHARS) current.failure.text += t;
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", (tag) => {
    if (tag.name === "failure" || tag.name === "error") inFailure = false;
    else if (tag.name === "testsuite") suites.pop();
    else if (tag.name === "testcase" && current) {
      const c = current;
      current = null;
      const suite = suites[suites.length - 1] ?? "";
      const name = [...suites, c.classname && c.classname !== suite ? c.classname : null, c.name].filter(Boolean).join(" > ");
      const seconds = c.time !== undefined && c.time.trim() !== "" ? Number(c.time) : NaN;
      const status = c.failure ? "failed" : c.skipped ? "skipped" : "passed";
      const message = c.failure ? [c.failure.message, c.failure.text.trim()].filter(Boolean).join("\n") : null;
      on.result(result(name, status, Number.isNaN(seconds) ? null : Math.round(seconds * 1000 * 1000) / 1000, message));
    }
  });
  parser.on("error", (e) => {
    throw e;
  });
  return {
    write(text) {
      if (failed) return;
      try {
        parser.write(text);
      } catch {
        failed = true; // malformed or not JUnit: nothing more is read from this document
      }
    },
    get tool() {
      return tool;
    },
    get failed() {
      return failed;
    },
  };
}

type Watched = { ino: number; mtimeMs: number; offset: number; head: string; decoder: StringDecoder; reader: JUnitReader; index: number };

/**
 * Watches a directory for JUnit reports written since `since` (polled: fs.watch is not dependable across
 * filesystems and would follow node_modules), reading what each has gained since the last poll.
 */
export function createJUnitWatcher(dir: string, since: number, on: { result: (r: ParsedResult, file: { path: string; tool: Tool | null }) => void }) {
  const files = new Map<string, Watched>();
  const seen = new Set<string>(); // "file:index:name": a report rewritten from the start is not counted twice
  let busy: Promise<void> | null = null;

  const find = async (): Promise<string[]> => {
    const found: string[] = [];
    const walk = async (d: string, depth: number) => {
      if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
      const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.name === "node_modules" || e.name === ".git") continue;
        const full = path.join(d, e.name);
        if (e.isDirectory()) await walk(full, depth + 1);
        else if (e.isFile() && e.name.endsWith(".xml") && found.length < MAX_FILES) found.push(full);
      }
    };
    await walk(dir, 0);
    return found;
  };

  const readHead = async (fd: Awaited<ReturnType<typeof open>>, length: number) => {
    const buf = Buffer.alloc(length);
    await fd.read(buf, 0, buf.length, 0);
    return buf.toString("latin1");
  };

  const fresh = (file: string, ino: number): Watched => {
    const rel = path.relative(dir, file);
    const w: Watched = {
      ino,
      mtimeMs: 0,
      offset: 0,
      head: "",
      decoder: new StringDecoder("utf8"),
      index: 0,
      reader: createJUnitReader({
        result: (r) => {
          const key = `${rel}:${w.index++}:${r.name}`;
          if (seen.has(key)) return;
          seen.add(key);
          on.result(r, { path: rel, tool: w.reader.tool });
        },
      }),
    };
    return w;
  };

  const readFile = async (file: string) => {
    // Opened first, without following a link and without blocking (the run may have swapped a FIFO or a
    // symlink in after the directory listing), then judged by what was opened.
    const fd = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
    if (!fd) return;
    try {
      const st = await fd.stat().catch(() => null);
      if (!st || !st.isFile() || st.mtimeMs < since - 1000 || st.size > MAX_FILE_BYTES) return;
      let w = files.get(file);
      if (w && w.mtimeMs === st.mtimeMs && w.offset === st.size) return;
      if (w && (w.ino !== st.ino || st.size < w.offset || (await readHead(fd, w.head.length)) !== w.head)) w = undefined; // rewritten
      if (!w) {
        w = fresh(file, st.ino);
        files.set(file, w);
      }
      w.mtimeMs = st.mtimeMs;
      const buf = Buffer.alloc(READ_CHUNK);
      while (w.offset < st.size && !w.reader.failed) {
        const { bytesRead } = await fd.read(buf, 0, Math.min(READ_CHUNK, st.size - w.offset), w.offset);
        if (bytesRead <= 0) break;
        if (w.head.length < HEAD_BYTES) w.head = (w.head + buf.subarray(0, bytesRead).toString("latin1")).slice(0, HEAD_BYTES);
        w.offset += bytesRead;
        w.reader.write(w.decoder.write(buf.subarray(0, bytesRead)));
      }
    } finally {
      await fd.close();
    }
  };

  const poll = (): Promise<void> =>
    (busy ??= (async () => {
      try {
        for (const file of await find()) await readFile(file).catch(() => {});
      } finally {
        busy = null;
      }
    })());
  return {
    /** Read what the reports gained since the last call (one poll at a time). */
    poll,
    /** After the command ended: everything the reports hold now. */
    final: async () => {
      await busy;
      await poll();
    },
  };
}
