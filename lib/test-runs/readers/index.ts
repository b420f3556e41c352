// Reading a test command's results while it runs: its output (stdout and stderr) through the reader of the
// runner that wrote it, chosen from the first line that identifies one and kept for the whole run (so output
// two readers would both understand is never counted twice), and the JUnit XML reports it writes.
import { errInfo, logger } from "../../logger";
import { StringDecoder } from "node:string_decoder";
import { stripVTControlCharacters } from "node:util";
import { cargoReader } from "./cargo";
import { cleanLine, type LineReader, type ParsedResult, type ReaderName, type ReaderSpec, type Stream, type Tool } from "./common";
import { goJsonReader, goReader } from "./go";
import { jestReader } from "./jest";
import { createJUnitWatcher } from "./junit";
import { nodeSpecReader } from "./node-spec";
import { pytestReader } from "./pytest";
import { tapReader } from "./tap";
import { vitestReader } from "./vitest";

export type { ParsedResult, ReaderName, Stream, Tool };

/** In order of precedence: the first whose detect() accepts a line is the run's reader. */
export const READERS: readonly ReaderSpec[] = [goJsonReader, goReader, cargoReader, pytestReader, vitestReader, jestReader, nodeSpecReader, tapReader];

const IDLE_MS = 200;
/** Lines kept from before a reader is chosen, to give it the start of the output. */
const MAX_BUFFERED_LINES = 1000;
/** A line longer than this is cut (a reader never needs more; regular expressions stay cheap). */
const MAX_LINE_CHARS = 10_000;
/** A "line" that grew this long without a newline is read as it is. */
const MAX_PARTIAL_CHARS = 64 * 1024;

export function detectReader(stream: Stream, line: string): ReaderSpec | null {
  return READERS.find((r) => r.detect(stream, line)) ?? null;
}

/** A whole escape sequence at the start of a string: CSI, OSC (ended by BEL or ST) or a two-character one. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const WHOLE_ESCAPE = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/;

/** Colour codes out of raw text, holding back an escape sequence cut at the end of a chunk. */
function createRawCleaner() {
  let held = "";
  return (text: string) => {
    let s = held + text;
    held = "";
    const esc = s.lastIndexOf("\x1b");
    if (esc >= 0 && s.length - esc < 32 && !WHOLE_ESCAPE.test(s.slice(esc))) {
      held = s.slice(esc);
      s = s.slice(0, esc);
    }
    return stripVTControlCharacters(s);
  };
}

export type OutputSink = {
  result: (r: ParsedResult, opts: { deferred: boolean }) => void;
  plan: (n: number) => void;
  detected: (reader: ReaderSpec) => void;
};

/** The command's output, chunk by chunk from either stream (bytes or text), to the reader it identifies. */
export function createOutputReader(sink: OutputSink) {
  const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  const partial: Record<Stream, string> = { stdout: "", stderr: "" };
  const cleaners = { stdout: createRawCleaner(), stderr: createRawCleaner() };
  let buffered: { stream: Stream; line: string }[] = [];
  let reader: LineReader | null = null;
  let idle: NodeJS.Timeout | null = null;
  let ended = false;

  const choose = (spec: ReaderSpec) => {
    reader = spec.create({ result: (r, o) => sink.result(r, { deferred: !!o?.deferred }), plan: sink.plan });
    sink.detected(spec);
  };

  /** Lines of one stream; returns the text left over when a raw reader took over mid-way. */
  const lines = (stream: Stream, text: string, final: boolean) => {
    const parts = (partial[stream] + text).split("\n");
    partial[stream] = final ? "" : (parts.pop() ?? "");
    if (final && parts[parts.length - 1] === "") parts.pop();
    if (partial[stream].length > MAX_PARTIAL_CHARS) {
      parts.push(partial[stream]);
      partial[stream] = "";
    }
    for (let i = 0; i < parts.length; i++) {
      const line = cleanLine(parts[i]!).slice(0, MAX_LINE_CHARS);
      if (reader) {
        reader.line(stream, line);
        continue;
      }
      buffered.push({ stream, line });
      if (buffered.length > MAX_BUFFERED_LINES) buffered.shift();
      const spec = detectReader(stream, line);
      if (!spec) continue;
      choose(spec);
      const before = buffered;
      buffered = [];
      const r = reader as LineReader | null;
      if (r?.raw) {
        // from here on the reader reads raw text: what this stream said so far, then the rest of this chunk
        const rest = parts.slice(i + 1).join("\n");
        const said = before.filter((b) => b.stream === stream).map((b) => b.line + "\n").join("");
        r.raw(stream, said + (i + 1 < parts.length ? rest + "\n" : "") + partial[stream]);
        partial[stream] = "";
        return;
      }
      for (const b of before) r?.line(b.stream, b.line);
    }
  };

  const touch = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      idle = null;
      if (!ended) guarded(() => reader?.idle?.());
    }, IDLE_MS);
    idle.unref?.();
  };

  /** A reader that throws stops reading (what it reported stays); the run and the server go on. */
  const guarded = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      logger().error(errInfo(e), "[test-runs] a result reader failed; the rest of this run's output is not read");
      reader = { line() {}, end() {} };
      return undefined;
    }
  };

  return {
    write(stream: Stream, chunk: Buffer | string) {
      if (ended) return;
      const text = typeof chunk === "string" ? chunk : decoders[stream].write(chunk);
      guarded(() => {
        const r = reader as LineReader | null;
        if (r?.raw) r.raw(stream, cleaners[stream](text));
        else lines(stream, text, false);
      });
      touch();
    },
    async end() {
      if (ended) return;
      ended = true;
      if (idle) clearTimeout(idle);
      for (const stream of ["stdout", "stderr"] as const) {
        const rest = decoders[stream].end();
        guarded(() => {
          const r = reader as LineReader | null;
          if (r?.raw) {
            if (rest) r.raw(stream, cleaners[stream](rest));
          } else if (partial[stream] || rest) lines(stream, rest, true);
        });
      }
      await Promise.resolve(guarded(() => (reader as LineReader | null)?.end())).catch((e) => guarded(() => { throw e; }));
    },
  };
}

export type RunReadersOptions = {
  /** The workspace: JUnit reports written there during the run are read too. */
  dir: string;
  /** When the run started: reports older than this are left alone. */
  since: number;
  onResult: (r: ParsedResult) => void;
  onPlan: (total: number) => void;
  /** What read the results so far ("vitest", "junit", "tap+junit"), whenever that changes. */
  onReader: (label: string) => void;
};

/**
 * A run's results from its output and its JUnit reports, each test once. A tool's own JUnit report repeats
 * what its output says: it is held until the command ends and used only if that output reported nothing
 * live (then it replaces any end-of-run summary the output gave, which is the poorer account). Reports of
 * other tools, or of unknown ones, count as they are read.
 */
export function createRunReaders(opts: RunReadersOptions) {
  let stream: ReaderSpec | null = null;
  let live = 0;
  const deferred: ParsedResult[] = [];
  const held = new Map<Tool, ParsedResult[]>();
  const used = { stream: false, junit: false };
  let label: string | null = null;

  const relabel = () => {
    const parts = [used.stream || !used.junit ? stream?.name : null, used.junit ? "junit" : null].filter(Boolean);
    const next = parts.length ? parts.join("+") : null;
    if (next && next !== label) {
      label = next;
      opts.onReader(next);
    }
  };
  const emit = (r: ParsedResult, from: "stream" | "junit") => {
    if (!used[from]) {
      used[from] = true;
      relabel();
    }
    opts.onResult(r);
  };

  const output = createOutputReader({
    detected: (spec) => {
      stream = spec;
      relabel();
    },
    plan: opts.onPlan,
    result: (r, o) => {
      if (o.deferred) deferred.push(r);
      else {
        live++;
        emit(r, "stream");
      }
    },
  });
  const junit = createJUnitWatcher(opts.dir, opts.since, {
    result: (r, file) => {
      if (!file.tool) return emit(r, "junit");
      const list = held.get(file.tool) ?? [];
      list.push(r);
      held.set(file.tool, list);
    },
  });

  return {
    output: (s: Stream, chunk: Buffer | string) => output.write(s, chunk),
    /** Read the JUnit reports' new parts (call now and then while the command runs). */
    poll: () => junit.poll(),
    /** The command ended: read what is left, settle the held results. */
    async end() {
      await output.end();
      await junit.final();
      const tool = stream?.tool ?? null;
      for (const [t, list] of held) {
        if (t === tool && live > 0) continue; // the tool's own output reported these tests as they ran
        if (t === tool) deferred.length = 0; // the report is fuller than the output's end-of-run summary
        for (const r of list) emit(r, "junit");
      }
      for (const r of deferred) emit(r, "stream");
      return label;
    },
  };
}
