// cargo test (libtest's output on stdout; cargo's own "Compiling"/"Running" lines on stderr).
//   "running 9 tests", then per test as it finishes "test tests::adds ... ok" (FAILED, "ignored[, reason]";
//   " - should panic" is part of the line, not the name), then "---- tests::fails stdout ----" blocks with the
//   reason of each failure, and "test result: FAILED. 6 passed; …" ends one test binary. Failures are reported
//   with their reason when their binary ends. libtest prints no durations.
import { blockText, pushBounded, result, type LineReader, type ReaderSink, type ReaderSpec } from "./common";

const TEST = /^test (.+?) \.\.\. (ok|FAILED|ignored(?:, (.*))?)$/;
const BLOCK = /^---- (.+) stdout ----$/;
const END = /^test result: (ok|FAILED)\. /;

function createCargoReader(sink: ReaderSink): LineReader {
  const failing: string[] = [];
  const reasons = new Map<string, string[]>();
  let block: string[] | null = null;

  const release = () => {
    block = null;
    for (const name of failing.splice(0)) {
      const lines = reasons.get(name);
      sink.result(result(name, "failed", null, lines?.length ? blockText(lines) : null));
    }
    reasons.clear();
  };

  return {
    line(stream, line) {
      if (stream !== "stdout") return;
      const t = TEST.exec(line);
      if (t) {
        const name = t[1]!.replace(/ - should panic(?: with .*)?$/, "");
        if (t[2] === "ok") sink.result(result(name, "passed", null));
        else if (t[2] === "FAILED") failing.push(name);
        else sink.result(result(name, "skipped", null));
        return;
      }
      const b = BLOCK.exec(line);
      if (b) {
        block = [];
        reasons.set(b[1]!, block);
        return;
      }
      if (END.test(line)) return release();
      if (block) {
        if (/^(failures|successes):$/.test(line)) block = null;
        else pushBounded(block, line);
      }
    },
    end: release,
  };
}

export const cargoReader: ReaderSpec = {
  name: "cargo",
  tool: "cargo",
  detect: (stream, line) => (stream === "stdout" && (/^running \d+ tests?$/.test(line) || TEST.test(line))) || (stream === "stderr" && /^\s+Running (?:unittests )?\S+ \(/.test(line)),
  create: createCargoReader,
};
