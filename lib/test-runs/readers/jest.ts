// jest's default and --verbose reporters (on stderr; jest prints per file, once the file has finished).
//   "PASS ./other.test.js" / "FAIL ./math.test.js"     a file (" FAIL  …" when coloured; " (5.2 s)" when slow)
//   verbose: "  ✓ adds (20 ms)", "  ✕ fails", "  ○ skipped later", "  ✎ todo someday"; describe names on their own
//            line, children indented by two more
//   "  ● strings › case › lowers wrongly" then the reason, indented: one block per failure ("● Console" is output)
// Without --verbose a failing file lists only its failures and a passing file only its name: that file is then
// one result. "Summary of all failing tests" repeats failures already read and is not counted again.
import { blockText, indentOf, pushBounded, result, type LineReader, type ReaderSink, type ReaderSpec, type Stream } from "./common";

const FILE = /^\s?(PASS|FAIL)\s+(\S+?)(?:\s+\(\d+(?:\.\d+)? m?s(?:, [^)]*)?\))?$/;
const TEST = /^(\s+)([✓✕○✎√×]) (.+?)(?: \((\d+(?:\.\d+)?) ms\))?$/;
const BLOCK = /^ {2}● (.+)$/;

function createJestReader(sink: ReaderSink): LineReader {
  let stream: Stream | null = null;
  type FileState = { name: string; passed: boolean; listed: number; failures: number; suites: { indent: number; name: string }[]; listing: boolean };
  let file: FileState | null = null;
  const waiting = new Map<string, { name: string; duration: number | null }[]>(); // "a › b" → listed failures
  let block: { title: string; lines: string[] } | null = null;
  let done = false;

  const releaseBlock = () => {
    if (!block || !file) return (block = null);
    const { title, lines } = block;
    block = null;
    if (title === "Console") return;
    const listed = waiting.get(title)?.shift();
    const name = listed?.name ?? `${file.name} > ${title.split(" › ").join(" > ")}`;
    file.failures++;
    sink.result(result(name, "failed", listed?.duration ?? null, blockText(lines)));
  };
  const closeFile = () => {
    releaseBlock();
    if (!file) return;
    for (const list of waiting.values()) for (const w of list) sink.result(result(w.name, "failed", w.duration));
    waiting.clear();
    // A file jest did not break down: one result for the whole file.
    if (file.listed === 0 && file.failures === 0) sink.result(result(file.name, file.passed ? "passed" : "failed", null, file.passed ? null : "the test file failed"));
    file = null;
  };

  return {
    line(s, line) {
      if (done) return;
      const header = FILE.exec(line);
      if (header) stream ??= s;
      if (s !== stream) return; // jest's own lines come on one stream; the tests' console output on the other
      if (header) {
        closeFile();
        file = { name: header[2]!.replace(/^\.\//, ""), passed: header[1] === "PASS", listed: 0, failures: 0, suites: [], listing: true };
        return;
      }
      if (/^(Test Suites|Tests|Snapshots|Time):\s/.test(line) || /^Summary of all failing tests$/.test(line)) {
        closeFile();
        if (line.startsWith("Summary")) done = true;
        return;
      }
      if (!file) return;
      const b = BLOCK.exec(line);
      if (b) {
        releaseBlock();
        file.listing = false;
        block = { title: b[1]!, lines: [] };
        return;
      }
      if (block) {
        pushBounded(block.lines, line);
        return;
      }
      if (!file.listing || line.trim() === "") return;
      const indent = indentOf(line);
      while (file.suites.length && file.suites[file.suites.length - 1]!.indent >= indent) file.suites.pop();
      const t = TEST.exec(line);
      if (!t) {
        if (indent >= 2) file.suites.push({ indent, name: line.trim() }); // a describe block
        return;
      }
      const [, , mark, rawTitle, ms] = t;
      const title = mark === "○" ? rawTitle!.replace(/^skipped /, "") : mark === "✎" ? rawTitle!.replace(/^todo /, "") : rawTitle!;
      const path = [...file.suites.map((x) => x.name), title];
      const name = `${file.name} > ${path.join(" > ")}`;
      const duration = ms ? Number(ms) : null;
      file.listed++;
      if (mark === "✕" || mark === "×") {
        const key = path.join(" › ");
        waiting.set(key, [...(waiting.get(key) ?? []), { name, duration }]);
      } else sink.result(result(name, mark === "✓" || mark === "√" ? "passed" : "skipped", duration));
    },
    // jest writes a file's report at once: when it pauses, the file is complete (its last block ended).
    idle: closeFile,
    end: closeFile,
  };
}

export const jestReader: ReaderSpec = {
  name: "jest",
  tool: "jest",
  detect: (_stream, line) => FILE.test(line),
  create: createJestReader,
};
