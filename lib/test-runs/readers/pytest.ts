// pytest's terminal reporter (stdout).
//   -v:   "test_math.py::TestStrings::test_joins PASSED   [ 45%]"  one line per test as it finishes
//         (SKIPPED/XFAIL are skipped, XPASS passed, FAILED/ERROR failed); a failure is reported once its reason
//         is printed: the "FAILURES"/"ERRORS" section and the short summary at the end of the session
//   -rA:  without -v there are no names until the end: "PASSED test_math.py::test_adds", "FAILED … - reason",
//         "SKIPPED [2] test_math.py:15: reason" in the short test summary. Those results are deferred: when
//         the same run writes a pytest JUnit file, that file is used instead.
//   "collected 11 items" announces the total.
import { blockText, pushBounded, result, type LineReader, type ReaderSink, type ReaderSpec } from "./common";

const VERBOSE = /^(\S+\.py::.+?) (PASSED|FAILED|SKIPPED|XFAIL|XPASS|ERROR)(?: \((.*)\))?\s*(?:\[\s*\d+%\])?$/;
const SECTION = /^={3,} (.+?) ={3,}$/;
const BLOCK = /^_{3,} (.+?) _{3,}$/;
const SUMMARY = /^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (.+)$/;
/** The session's last line: "===== 2 failed, 7 passed in 0.39s =====" (its text, inside the = signs). */
const isFinal = (text: string) => / in [\d.]+s\b/.test(text) && /\b(?:passed|failed|errors?|skipped|xfailed|xpassed|deselected|no tests ran)\b/.test(text);

/** pytest's heading of a failure ("TestStrings.test_uppers[a]") for a node id ("file.py::TestStrings::test_uppers[a]"). */
const headOf = (nodeid: string) => nodeid.split("::").slice(1).join(".");

function createPytestReader(sink: ReaderSink): LineReader {
  let verbose = false;
  let section: string | null = null;
  const blocks = new Map<string, string[][]>(); // heading → blocks (FAILURES / ERRORS), in order
  let block: string[] | null = null;
  const failing = new Map<string, true>(); // -v failures waiting for their reason, by node id, in order
  let entry: { kind: string; text: string; more: string[] } | null = null;
  let over = false;

  const reasonFor = (nodeid: string): string | null => {
    const head = headOf(nodeid);
    for (const [h, list] of blocks) {
      if ((h === head || h.endsWith(` of ${head}`)) && list.length) return blockText(list.shift()!);
    }
    return null;
  };
  const reported = new Set<string>();
  const fail = (nodeid: string, message: string | null) => {
    reported.add(nodeid);
    sink.result(result(nodeid, "failed", null, reasonFor(nodeid) ?? message), { deferred: !verbose });
  };
  const releaseEntry = () => {
    if (!entry) return;
    const { kind, text, more } = entry;
    entry = null;
    if (kind === "FAILED" || kind === "ERROR") {
      const m = /^(\S+?::\S.*?)(?: - (.*))?$/.exec(text) ?? /^(\S+)(?: - (.*))?$/.exec(text);
      const nodeid = m?.[1] ?? text;
      const message = [m?.[2], ...more.map((l) => l.replace(/^ {2}/, ""))].filter((x) => x !== undefined).join("\n").trim() || null;
      if (reported.has(nodeid)) return;
      failing.delete(nodeid);
      fail(nodeid, message);
      return;
    }
    if (verbose) return; // the -v lines already said it
    if (kind === "SKIPPED") {
      // "[2] test_math.py:15: not written yet": two tests skipped there, for that reason (pytest gives no names)
      const m = /^\[(\d+)\] (.+)$/.exec(text);
      const times = Math.min(Number(m?.[1] ?? 1), 10_000);
      for (let i = 0; i < times; i++) sink.result(result(m?.[2] ?? text, "skipped", null), { deferred: true });
      return;
    }
    const nodeid = text.replace(/ - .*$/, "");
    sink.result(result(nodeid, kind === "XFAIL" ? "skipped" : "passed", null), { deferred: true });
  };
  const finish = () => {
    releaseEntry();
    for (const nodeid of [...failing.keys()]) {
      failing.delete(nodeid);
      fail(nodeid, null);
    }
  };

  return {
    line(_stream, line) {
      if (over) return;
      const collected = /^collect(?:ing \.\.\. collect)?ed (\d+) items?/.exec(line);
      if (collected) return sink.plan(Number(collected[1]));
      const sec = SECTION.exec(line);
      if (sec) {
        releaseEntry();
        block = null;
        section = sec[1]!;
        if (isFinal(section)) {
          finish();
          over = true;
        }
        return;
      }
      if (section === "FAILURES" || section === "ERRORS") {
        const b = BLOCK.exec(line);
        if (b) {
          block = [];
          blocks.set(b[1]!, [...(blocks.get(b[1]!) ?? []), block]);
        } else if (block) pushBounded(block, line);
        return;
      }
      if (section === "short test summary info") {
        const s = SUMMARY.exec(line);
        if (s) {
          releaseEntry();
          entry = { kind: s[1]!, text: s[2]!, more: [] };
        } else if (entry && /^\s/.test(line)) pushBounded(entry.more, line);
        return;
      }
      if (section && section !== "test session starts") return;
      const v = VERBOSE.exec(line);
      if (!v) return;
      verbose = true;
      const [, nodeid, status] = v;
      if (status === "FAILED" || status === "ERROR") failing.set(nodeid!, true);
      else sink.result(result(nodeid!, status === "PASSED" || status === "XPASS" ? "passed" : "skipped", null));
    },
    end: finish,
  };
}

export const pytestReader: ReaderSpec = {
  name: "pytest",
  tool: "pytest",
  detect: (stream, line) =>
    stream === "stdout" && (/^={3,} test session starts ={3,}$/.test(line) || VERBOSE.test(line) || /^={3,} (FAILURES|ERRORS|short test summary info) ={3,}$/.test(line)),
  create: createPytestReader,
};
