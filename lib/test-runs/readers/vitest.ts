// vitest's default and verbose reporters (stdout), and their "Failed Tests" section (stderr).
//   verbose:  " ✓ math.test.mjs > strings > joins 0ms"   one line per test as it finishes; "   → message" follows a ×
//   default:  " ❯ math.test.mjs (9 tests | 2 failed) 421ms"  after each file; the tests of a failing file are listed
//             below it ("   ✓ adds 2ms", deeper for nested ones, describe names not printed); a passing file is
//             only " ✓ other.test.mjs (1 test) 8ms" and is reported as one result named after the file
//   stderr:   " FAIL  math.test.mjs > strings > case > lowers wrongly" and the reason, once per failure, at the end
// Marks: ✓ passed, × failed, ↓ skipped, □ todo (skipped). "stdout | file > test" blocks are the tests' own output.
import { blockText, indentOf, pushBounded, result, type LineReader, type ReaderSink, type ReaderSpec } from "./common";

const MODULE = /^ ([✓❯×↓]) (\S.*?) \((\d+) tests?((?: \| [^)]*)?)\)(?:\s+(\d+(?:\.\d+)?)m?s)?/;
const TEST = /^( +)([✓×↓□]) (.+)$/;
const DURATION = / (\d+(?:\.\d+)?)ms$/;
const FAIL_HEADER = /^ FAIL {1,2}(.+)$/;
const SEPARATOR = /^⎯{3,}/;

const statusOf = (mark: string) => (mark === "✓" ? "passed" : mark === "×" ? "failed" : "skipped") as "passed" | "failed" | "skipped";

function createVitestReader(sink: ReaderSink): LineReader {
  // A failing test waits for its reason: the "→" lines under it (verbose), or its FAIL block at the end (default).
  let arrowFor: { name: string; duration: number | null; lines: string[] } | null = null;
  const waiting: { file: string; leaf: string; duration: number | null }[] = [];
  const reported = new Set<string>(); // failures already counted (the FAIL section repeats them)
  let module: { file: string; listed: boolean } | null = null;
  let fail: { name: string; lines: string[] } | null = null;
  let ownOutput = false;

  const releaseArrow = () => {
    if (!arrowFor) return;
    sink.result(result(arrowFor.name, "failed", arrowFor.duration, arrowFor.lines.length ? arrowFor.lines.join("\n") : null));
    reported.add(arrowFor.name);
    arrowFor = null;
  };
  const releaseFail = () => {
    if (!fail) return;
    const { name, lines } = fail;
    fail = null;
    if (reported.has(name)) return;
    // " FAIL  math.test.mjs > strings > case > lowers wrongly" ↔ a listed "lowers wrongly" of math.test.mjs;
    // " FAIL  bad.test.mjs [ bad.test.mjs ]" is a file that could not run.
    const i = waiting.findIndex((w) => name === `${w.file} > ${w.leaf}` || (name.startsWith(`${w.file} > `) && name.endsWith(` > ${w.leaf}`)));
    const duration = i >= 0 ? waiting.splice(i, 1)[0]!.duration : null;
    const shown = name.replace(/ \[ .+ \]$/, "");
    sink.result(result(shown, "failed", duration, blockText(lines)));
    reported.add(name);
  };

  return {
    line(stream, line) {
      if (stream === "stderr") {
        const header = FAIL_HEADER.exec(line);
        if (header) {
          releaseFail();
          fail = { name: header[1]!.trimEnd(), lines: [] };
        } else if (fail) {
          if (SEPARATOR.test(line)) releaseFail();
          else pushBounded(fail.lines, line);
        }
        return;
      }
      if (ownOutput) {
        if (line.trim() === "") ownOutput = false;
        return;
      }
      if (arrowFor) {
        const arrow = /^\s+→ (.*)$/.exec(line);
        if (arrow) {
          pushBounded(arrowFor.lines, arrow[1]!);
          return;
        }
        releaseArrow();
      }
      if (/^(stdout|stderr) \| \S/.test(line)) {
        ownOutput = true;
        return;
      }
      const mod = MODULE.exec(line);
      if (mod) {
        const [, mark, file, , extra, ms] = mod;
        module = { file: file!, listed: mark === "❯" || mark === "×" };
        if (!module.listed) {
          // A file vitest does not break down: one result for the whole file.
          const status = mark === "↓" ? "skipped" : "passed";
          sink.result(result(`${file} (${mod[3]} test${mod[3] === "1" ? "" : "s"}${extra ?? ""})`, status, ms ? Number(ms) : null));
        }
        return;
      }
      const t = TEST.exec(line);
      if (!t) {
        if (line.trim() !== "") module = null;
        return;
      }
      const [, pad, mark, text] = t;
      // (no regular expression with two quantifiers over the same spaces: a hostile line must stay cheap to read)
      const d = DURATION.exec(text!);
      const name = d ? text!.slice(0, d.index).trimEnd() : text!;
      const ms = d?.[1];
      const status = statusOf(mark!);
      const duration = ms ? Number(ms) : null;
      if (pad!.length === 1) {
        // verbose: the full name
        module = null;
        if (status === "failed") arrowFor = { name: name!, duration, lines: [] };
        else sink.result(result(name!, status, duration));
        return;
      }
      if (!module?.listed || indentOf(line) < 3) return; // a slow test of a passing file: inside its file's result
      if (status === "failed") waiting.push({ file: module.file, leaf: name!, duration });
      else sink.result(result(`${module.file} > ${name}`, status, duration));
    },
    idle: releaseArrow,
    end() {
      releaseArrow();
      releaseFail();
      for (const w of waiting.splice(0)) sink.result(result(`${w.file} > ${w.leaf}`, "failed", w.duration));
    },
  };
}

export const vitestReader: ReaderSpec = {
  name: "vitest",
  tool: "vitest",
  detect: (stream, line) => stream === "stdout" && (/^ RUN {1,2}v\d+\.\d+/.test(line) || MODULE.test(line) || /^ [✓×↓] \S+ > \S/.test(line)),
  create: createVitestReader,
};
