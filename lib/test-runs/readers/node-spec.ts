// node --test's spec reporter (the default on a terminal; --test-reporter=spec):
//   ✔ adds (1.63ms)             a test; ✖ failed, ﹣ skipped, "# …" after the time marks skip/todo
//   ✖ fails (1.65ms)            followed by its error, indented deeper
//   ▶ strings                   a suite (or a test with subtests) opens; its children are indented;
//   ✖ strings (6.5ms)           the same name at the same indentation closes it (not a test)
//   ℹ tests 9 … ✖ failing tests:   the summary, then a recap of the failures (not counted again)
import { blockText, indentOf, pushBounded, result, shortStack, type LineReader, type ReaderSink, type ReaderSpec } from "./common";

const RESULT = /^(\s*)([✔✖﹣]) (.+) \((\d+(?:\.\d+)?)ms\)(?: # (.*))?$/;
const SUITE = /^(\s*)▶ (.+)$/;

function createNodeSpecReader(sink: ReaderSink): LineReader {
  const suites: { indent: number; name: string }[] = [];
  let failing: { name: string; indent: number; duration: number; lines: string[] } | null = null;
  let done = false;

  const release = () => {
    if (!failing) return;
    sink.result(result(failing.name, "failed", failing.duration, blockText(shortStack(failing.lines))));
    failing = null;
  };
  const closeDeeper = (indent: number) => {
    while (suites.length && suites[suites.length - 1]!.indent > indent) suites.pop();
  };

  return {
    line(_stream, line) {
      if (done) return;
      if (failing) {
        if (line.trim() === "" || indentOf(line) > failing.indent) {
          pushBounded(failing.lines, line);
          return;
        }
        release();
      }
      if (/^✖ failing tests:$/.test(line)) {
        done = true; // a recap of what was already reported
        return;
      }
      const suite = SUITE.exec(line);
      if (suite) {
        const indent = suite[1]!.length;
        closeDeeper(indent);
        suites.push({ indent, name: suite[2]! });
        return;
      }
      const m = RESULT.exec(line);
      if (!m) return;
      const indent = m[1]!.length;
      const [, , mark, name, ms, directive] = m;
      closeDeeper(indent);
      const top = suites[suites.length - 1];
      if (top && top.indent === indent && top.name === name) {
        suites.pop(); // the end of a suite
        return;
      }
      const full = [...suites.filter((s) => s.indent < indent).map((s) => s.name), name!].join(" > ");
      const duration = Number(ms);
      if (mark === "﹣" || directive !== undefined) sink.result(result(full, "skipped", duration));
      else if (mark === "✔") sink.result(result(full, "passed", duration));
      else failing = { name: full, indent, duration, lines: [] };
    },
    idle: release,
    end: release,
  };
}

export const nodeSpecReader: ReaderSpec = {
  name: "node-spec",
  tool: "node",
  detect: (_stream, line) => RESULT.test(line) || /^▶ \S/.test(line),
  create: createNodeSpecReader,
};
