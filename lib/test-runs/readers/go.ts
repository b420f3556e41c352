// go test, as text (-v) and as JSON (-json).
//   -v:     "=== RUN   TestStrings/case/uppers" starts a test (=== CONT resumes a parallel one); its t.Log lines
//           follow; "--- FAIL: TestFails (0.00s)" ends it (subtests' endings indented under their parent's).
//           A test whose subtests ran is a suite, not counted. Without -v only failures are printed, their log
//           lines after the "--- FAIL" line; a package that passed is then one result ("ok  example.com/m 0.02s").
//   -json:  one event per line {Action: run|output|pass|fail|skip, Package, Test, Elapsed, Output}.
// Names are go's own ("TestStrings/case/uppers"; with -json prefixed by the package: "example.com/m > TestX"),
// which `go test -run` accepts.
import { blockText, indentOf, pushBounded, result, type LineReader, type ReaderSink, type ReaderSpec } from "./common";

const RUN = /^=== (RUN|CONT|PAUSE|NAME)\s+(\S+)/;
const END = /^(\s*)--- (PASS|FAIL|SKIP): (\S+) \((\d+(?:\.\d+)?)s\)$/;
const PACKAGE = /^(ok|FAIL|\?)\s+(\S+)\s+(\(cached\)|[\d.]+s|\[no test files\]|\[build failed\]|\[setup failed\])/;
const MAX_TRACKED = 100_000;

const statusOf = (s: string) => (s === "PASS" || s === "pass" ? "passed" : s === "FAIL" || s === "fail" ? "failed" : "skipped") as "passed" | "failed" | "skipped";
/** go's "--- FAIL"/"=== RUN" lines are not part of a failure's reason. */
const isFrame = (line: string) => RUN.test(line.trimStart()) || END.test(line) || /^\s*(PASS|FAIL)$/.test(line);

function createGoReader(sink: ReaderSink): LineReader {
  let started = new Set<string>();
  let output = new Map<string, string[]>();
  let current: string | null = null;
  let perTest = 0; // results of the package being read
  let failing: { name: string; duration: number; lines: string[]; indent: number } | null = null;

  const release = () => {
    if (!failing) return;
    const own = output.get(failing.name) ?? [];
    const lines = own.length ? own : failing.lines;
    sink.result(result(failing.name, "failed", failing.duration, lines.length ? blockText(lines) : null));
    failing = null;
  };
  const hasSubtests = (name: string) => {
    for (const s of started) if (s.startsWith(name + "/")) return true;
    return false;
  };

  return {
    line(_stream, line) {
      if (failing) {
        // without -v a failure's log follows its "--- FAIL" line, indented deeper
        if (indentOf(line) > failing.indent && !END.test(line)) {
          pushBounded(failing.lines, line);
          return;
        }
        release();
      }
      const run = RUN.exec(line);
      if (run) {
        if (run[1] === "RUN" && started.size < MAX_TRACKED) started.add(run[2]!);
        if (run[1] === "RUN" || run[1] === "CONT") current = run[2]!;
        return;
      }
      const end = END.exec(line);
      if (end) {
        const [, pad, status, name, secs] = end;
        if (hasSubtests(name!)) return;
        perTest++;
        const duration = Math.round(Number(secs) * 1000 * 1000) / 1000;
        if (status === "FAIL") failing = { name: name!, duration, lines: [], indent: pad!.length };
        else sink.result(result(name!, statusOf(status!), duration));
        return;
      }
      const pkg = PACKAGE.exec(line);
      if (pkg) {
        const [, verdict, name, rest] = pkg;
        // A package go did not break down (no -v): one result for it; a build failure: one failure.
        if (perTest === 0 && verdict !== "?") sink.result(result(name!, verdict === "ok" ? "passed" : "failed", /s$/.test(rest!) ? Number(rest!.slice(0, -1)) * 1000 : null, rest));
        started = new Set();
        output = new Map();
        current = null;
        perTest = 0;
        return;
      }
      if (current && !/^(PASS|FAIL)$/.test(line) && output.size < MAX_TRACKED) {
        const lines = output.get(current) ?? [];
        pushBounded(lines, line);
        output.set(current, lines);
      }
    },
    idle: release,
    end: release,
  };
}

export const goReader: ReaderSpec = {
  name: "go",
  tool: "go",
  detect: (stream, line) => stream === "stdout" && (/^=== RUN\s+\S/.test(line) || /^--- (PASS|FAIL|SKIP): \S+ \(\d/.test(line)),
  create: createGoReader,
};

type GoEvent = { Action?: unknown; Package?: unknown; Test?: unknown; Elapsed?: unknown; Output?: unknown };

function parseEvent(line: string): GoEvent | null {
  if (!line.startsWith("{")) return null;
  try {
    const e = JSON.parse(line) as GoEvent;
    return e && typeof e === "object" && typeof e.Action === "string" ? e : null;
  } catch {
    return null;
  }
}

function createGoJsonReader(sink: ReaderSink): LineReader {
  const started = new Map<string, Set<string>>(); // package → tests that ran
  const output = new Map<string, string[]>(); // "package\ttest" → lines
  const counted = new Map<string, number>();
  return {
    line(_stream, line) {
      const e = parseEvent(line);
      if (!e) return;
      const pkg = typeof e.Package === "string" ? e.Package : "";
      const test = typeof e.Test === "string" ? e.Test : null;
      const key = `${pkg}\t${test ?? ""}`;
      switch (e.Action) {
        case "run":
          if (test && started.size < MAX_TRACKED) {
            const set = started.get(pkg) ?? new Set<string>();
            if (set.size < MAX_TRACKED) set.add(test);
            started.set(pkg, set);
          }
          return;
        case "output":
          if (typeof e.Output === "string" && output.size < MAX_TRACKED) {
            const lines = output.get(key) ?? [];
            for (const l of e.Output.replace(/\n$/, "").split("\n")) if (!isFrame(l)) pushBounded(lines, l);
            output.set(key, lines);
          }
          return;
        case "pass":
        case "fail":
        case "skip": {
          const lines = output.get(key) ?? [];
          output.delete(key);
          const elapsed = typeof e.Elapsed === "number" ? Math.round(e.Elapsed * 1000 * 1000) / 1000 : null;
          if (!test) {
            // A package: one failure when it failed without any test failing (a build error, a crash).
            if (e.Action === "fail" && !counted.get(pkg)) sink.result(result(pkg, "failed", elapsed, lines.length ? blockText(lines) : null));
            return;
          }
          for (const other of started.get(pkg) ?? []) if (other.startsWith(test + "/")) return; // a parent of subtests
          counted.set(pkg, (counted.get(pkg) ?? 0) + 1);
          const status = statusOf(e.Action);
          sink.result(result(`${pkg} > ${test}`, status, elapsed, status === "failed" && lines.length ? blockText(lines) : null));
          return;
        }
      }
    },
    end() {},
  };
}

export const goJsonReader: ReaderSpec = {
  name: "go-json",
  tool: "go",
  detect: (stream, line) => stream === "stdout" && !!parseEvent(line) && /"Package":/.test(line),
  create: createGoJsonReader,
};
