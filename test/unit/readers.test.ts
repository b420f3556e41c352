// The readers of lib/test-runs/readers/ against REAL outputs of the real tools (test/fixtures/runner-outputs,
// see its README): line by line and in chunks cut at arbitrary byte boundaries, with exact names, statuses,
// durations and failure messages, and results that come out as the tests finish, not at the end.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createOutputReader, createRunReaders, detectReader, type ParsedResult, type Stream } from "../../lib/test-runs/readers";
import { createJUnitReader, createJUnitWatcher } from "../../lib/test-runs/readers/junit";
import { parseJUnitXml } from "../../lib/test-runs/parsers";

const FIXTURES = path.join(__dirname, "../fixtures/runner-outputs");
type Event = { stream: Stream; text: string };

/** A capture as the server read it: lines, each with its stream and newline. */
function capture(name: string): Event[] {
  const events: Event[] = [];
  for (const l of readFileSync(path.join(FIXTURES, `${name}.txt`), "utf8").split("\n")) {
    if (!l) continue;
    const m = /^(stdout|stderr)([|\\]) (.*)$/s.exec(l);
    if (!m) throw new Error(`bad capture line in ${name}: ${l}`);
    events.push({ stream: m[1] as Stream, text: m[3] + (m[2] === "|" ? "\n" : "") });
  }
  return events;
}

type Seen = ParsedResult & { at: number; deferred?: boolean };

/** Feed writes one by one; each result remembers how many writes had been made when it came out. */
async function replay(writes: { stream: Stream; chunk: Buffer | string; line: number }[]) {
  const results: Seen[] = [];
  let reader: string | null = null;
  let at = -1;
  const r = createOutputReader({
    detected: (spec) => (reader = spec.name),
    plan: () => {},
    result: (res, o) => results.push({ ...res, at, ...(o.deferred ? { deferred: true } : {}) }),
  });
  for (const w of writes) {
    at = w.line;
    r.write(w.stream, w.chunk);
  }
  at = Infinity;
  await r.end();
  return { results, reader };
}

const byLine = (events: Event[]) => replay(events.map((e, line) => ({ stream: e.stream, chunk: e.text, line })));

/** The same bytes in pieces of 1–40 bytes (multi-byte characters cut in half too), consecutive lines of one stream run together. */
function inPieces(events: Event[], seed: number) {
  let s = seed;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const writes: { stream: Stream; chunk: Buffer; line: number }[] = [];
  for (let i = 0; i < events.length; ) {
    const stream = events[i]!.stream;
    let j = i;
    while (j < events.length && events[j]!.stream === stream) j++;
    const bytes = Buffer.from(events.slice(i, j).map((e) => e.text).join(""), "utf8");
    for (let o = 0; o < bytes.length; ) {
      const n = 1 + Math.floor(rand() * 40);
      writes.push({ stream, chunk: bytes.subarray(o, o + n), line: j - 1 });
      o += n;
    }
    i = j;
  }
  return replay(writes);
}

const r = (name: string, status: ParsedResult["status"], duration_ms: number | null, error?: string): ParsedResult => ({ name, status, duration_ms, ...(error !== undefined ? { error } : {}) });
const plain = (x: ParsedResult): ParsedResult => ({ name: x.name, status: x.status, duration_ms: x.duration_ms, ...(x.error !== undefined ? { error: x.error } : {}) });

const EXPECTED: Record<string, ParsedResult[]> = {
  "node-spec": [
    r("adds", "passed", 1.632845),
    r("fails", "failed", 1.6567, `AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:

2 !== 3

    at TestContext.<anonymous> (/tmp/switchboard-capture/projects/node/math.test.js:10:10)
    at Test.runInAsyncScope (node:async_hooks:206:9)
    at Test.run (node:internal/test_runner/test:796:25)
    at Test.processPendingSubtests (node:internal/test_runner/test:526:18)
    at … {
  generatedMessage: true,
  code: 'ERR_ASSERTION',
  actual: 2,
  expected: 3,
  operator: 'strictEqual'
}`),
    r("later", "skipped", 0.166897),
    r("someday", "skipped", 0.193416),
    r("strings > joins", "passed", 0.335155),
    r("strings > case > uppers", "passed", 0.319274),
    r("strings > case > lowers wrongly", "failed", 0.668518, `AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:

'a' !== 'b'

    at TestContext.<anonymous> (/tmp/switchboard-capture/projects/node/math.test.js:26:14)
    at Test.runInAsyncScope (node:async_hooks:206:9)
    at Test.run (node:internal/test_runner/test:796:25)
    at Suite.processPendingSubtests (node:internal/test_runner/test:526:18)
    at … {
  generatedMessage: true,
  code: 'ERR_ASSERTION',
  actual: 'a',
  expected: 'b',
  operator: 'strictEqual'
}`),
    r("prints", "passed", 23.000913),
    r("slow", "passed", 302.899181),
  ],
  "node-tap": [
    r("adds", "passed", 6.08801),
    r("fails", "failed", 1.530582, `Expected values to be strictly equal:

2 !== 3
expected: 3
actual: 2
TestContext.<anonymous> (/tmp/switchboard-capture/projects/node/math.test.js:10:10)
Test.runInAsyncScope (node:async_hooks:206:9)
Test.run (node:internal/test_runner/test:796:25)
Test.processPendingSubtests (node:internal/test_runner/test:526:18)`),
    r("later", "skipped", 0.160203),
    r("someday", "skipped", 0.16949),
    r("strings > joins", "passed", 0.513183),
    r("strings > case > uppers", "passed", 0.232731),
    r("strings > case > lowers wrongly", "failed", 0.645934, `Expected values to be strictly equal:

'a' !== 'b'
expected: "b"
actual: "a"
TestContext.<anonymous> (/tmp/switchboard-capture/projects/node/math.test.js:26:14)
Test.runInAsyncScope (node:async_hooks:206:9)
Test.run (node:internal/test_runner/test:796:25)
Suite.processPendingSubtests (node:internal/test_runner/test:526:18)`),
    r("prints", "passed", 5.888332),
    r("slow", "passed", 317.060565),
  ],
  "node-both": [
    r("adds", "passed", 10.074948),
    r("fails", "failed", 1.615713, `Expected values to be strictly equal:

2 !== 3
expected: 3
actual: 2
TestContext.<anonymous> (/tmp/switchboard-capture/projects/node/math.test.js:10:10)
Test.runInAsyncScope (node:async_hooks:206:9)
Test.run (node:internal/test_runner/test:796:25)
Test.processPendingSubtests (node:internal/test_runner/test:526:18)`),
    r("later", "skipped", 0.179431),
    r("someday", "skipped", 0.239975),
    r("strings > joins", "passed", 0.588005),
    r("strings > case > uppers", "passed", 0.224646),
    r("strings > case > lowers wrongly", "failed", 6.040862, `Expected values to be strictly equal:

'a' !== 'b'
expected: "b"
actual: "a"
TestContext.<anonymous> (/tmp/switchboard-capture/projects/node/math.test.js:26:14)
Test.runInAsyncScope (node:async_hooks:206:9)
Test.run (node:internal/test_runner/test:796:25)
Suite.processPendingSubtests (node:internal/test_runner/test:526:18)`),
    r("prints", "passed", 23.876402),
    r("slow", "passed", 304.039793),
  ],
  "vitest-default": [
    r("math.test.mjs > adds", "passed", 2),
    r("math.test.mjs > later", "skipped", null),
    r("math.test.mjs > someday", "skipped", null),
    r("math.test.mjs > joins", "passed", 0),
    r("math.test.mjs > uppers", "passed", 0),
    r("math.test.mjs > prints", "passed", 9),
    r("math.test.mjs > slow", "passed", 351),
    r("other.test.mjs (1 test)", "passed", 8),
    r("math.test.mjs > fails", "failed", 31, `AssertionError: expected 2 to be 3 // Object.is equality

- Expected
+ Received

- 3
+ 2

 ❯ math.test.mjs:9:17
      7|
      8| test("fails", () => {
      9|   expect(1 + 1).toBe(3);
       |                 ^
     10| });
     11|`),
    r("math.test.mjs > strings > case > lowers wrongly", "failed", 10, `AssertionError: expected 'a' to be 'b' // Object.is equality

Expected: "b"
Received: "a"

 ❯ math.test.mjs:25:33
     23|     });
     24|     it("lowers wrongly", () => {
     25|       expect("A".toLowerCase()).toBe("b");
       |                                 ^
     26|     });
     27|   });`),
  ],
  "vitest-verbose": [
    r("math.test.mjs > adds", "passed", 11),
    r("math.test.mjs > fails", "failed", 23, "expected 2 to be 3 // Object.is equality"),
    r("math.test.mjs > later", "skipped", null),
    r("math.test.mjs > someday", "skipped", null),
    r("math.test.mjs > strings > joins", "passed", 0),
    r("math.test.mjs > strings > case > uppers", "passed", 0),
    r("math.test.mjs > strings > case > lowers wrongly", "failed", 6, "expected 'a' to be 'b' // Object.is equality"),
    r("math.test.mjs > prints", "passed", 16),
    r("math.test.mjs > slow", "passed", 301),
    r("other.test.mjs > second file passes", "passed", 2),
  ],
  "vitest-color": [
    r("math.test.mjs > adds", "passed", 3),
    r("math.test.mjs > later", "skipped", null),
    r("math.test.mjs > someday", "skipped", null),
    r("math.test.mjs > joins", "passed", 0),
    r("math.test.mjs > uppers", "passed", 0),
    r("math.test.mjs > prints", "passed", 3),
    r("math.test.mjs > slow", "passed", 305),
    r("other.test.mjs (1 test)", "passed", 12),
    r("math.test.mjs > fails", "failed", 8, `AssertionError: expected 2 to be 3 // Object.is equality

- Expected
+ Received

- 3
+ 2

 ❯ math.test.mjs:9:17
      7|
      8| test("fails", () => {
      9|   expect(1 + 1).toBe(3);
       |                 ^
     10| });
     11|`),
    r("math.test.mjs > strings > case > lowers wrongly", "failed", 2, `AssertionError: expected 'a' to be 'b' // Object.is equality

Expected: "b"
Received: "a"

 ❯ math.test.mjs:25:33
     23|     });
     24|     it("lowers wrongly", () => {
     25|       expect("A".toLowerCase()).toBe("b");
       |                                 ^
     26|     });
     27|   });`),
  ],
  "jest-default": [
    r("math.test.js > fails", "failed", null, `expect(received).toBe(expected) // Object.is equality

Expected: 3
Received: 2

   5 |
   6 | test("fails", () => {
>  7 |   expect(1 + 1).toBe(3);
     |                 ^
   8 | });
   9 |
  10 | test.skip("later", () => {});

  at Object.toBe (math.test.js:7:17)`),
    r("math.test.js > strings > case > lowers wrongly", "failed", null, `expect(received).toBe(expected) // Object.is equality

Expected: "b"
Received: "a"

  21 |     });
  22 |     it("lowers wrongly", () => {
> 23 |       expect("A".toLowerCase()).toBe("b");
     |                                 ^
  24 |     });
  25 |   });
  26 | });

  at Object.toBe (math.test.js:23:33)`),
    r("other.test.js", "passed", null),
  ],
  "jest-verbose": [
    r("math.test.js > adds", "passed", 20),
    r("math.test.js > prints", "passed", 52),
    r("math.test.js > slow", "passed", 302),
    r("math.test.js > later", "skipped", null),
    r("math.test.js > someday", "skipped", null),
    r("math.test.js > strings > joins", "passed", 1),
    r("math.test.js > strings > case > uppers", "passed", 1),
    r("math.test.js > fails", "failed", 12, `expect(received).toBe(expected) // Object.is equality

Expected: 3
Received: 2

   5 |
   6 | test("fails", () => {
>  7 |   expect(1 + 1).toBe(3);
     |                 ^
   8 | });
   9 |
  10 | test.skip("later", () => {});

  at Object.toBe (math.test.js:7:17)`),
    r("math.test.js > strings > case > lowers wrongly", "failed", 11, `expect(received).toBe(expected) // Object.is equality

Expected: "b"
Received: "a"

  21 |     });
  22 |     it("lowers wrongly", () => {
> 23 |       expect("A".toLowerCase()).toBe("b");
     |                                 ^
  24 |     });
  25 |   });
  26 | });

  at Object.toBe (math.test.js:23:33)`),
    r("other.test.js > second file passes", "passed", 18),
  ],
  "jest-color": [
    r("math.test.js > adds", "passed", 10),
    r("math.test.js > prints", "passed", 105),
    r("math.test.js > slow", "passed", 303),
    r("math.test.js > later", "skipped", null),
    r("math.test.js > someday", "skipped", null),
    r("math.test.js > strings > joins", "passed", 27),
    r("math.test.js > strings > case > uppers", "passed", 6),
    r("math.test.js > fails", "failed", 21, `expect(received).toBe(expected) // Object.is equality

Expected: 3
Received: 2

   5 |
   6 | test("fails", () => {
>  7 |   expect(1 + 1).toBe(3);
     |                 ^
   8 | });
   9 |
  10 | test.skip("later", () => {});

  at Object.toBe (math.test.js:7:17)`),
    r("math.test.js > strings > case > lowers wrongly", "failed", 21, `expect(received).toBe(expected) // Object.is equality

Expected: "b"
Received: "a"

  21 |     });
  22 |     it("lowers wrongly", () => {
> 23 |       expect("A".toLowerCase()).toBe("b");
     |                                 ^
  24 |     });
  25 |   });
  26 | });

  at Object.toBe (math.test.js:23:33)`),
    r("other.test.js > second file passes", "passed", 14),
  ],
  "pytest-verbose": [
    r("test_math.py::test_adds", "passed", null),
    r("test_math.py::test_later", "skipped", null),
    r("test_math.py::test_known_bug", "skipped", null),
    r("test_math.py::TestStrings::test_joins", "passed", null),
    r("test_math.py::TestStrings::test_uppers[a]", "passed", null),
    r("test_math.py::TestStrings::test_uppers[b]", "passed", null),
    r("test_math.py::test_prints", "passed", null),
    r("test_math.py::test_slow", "passed", null),
    r("test_other.py::test_second_file_passes", "passed", null),
    r("test_math.py::test_fails", "failed", null, `    def test_fails():
>       assert 1 + 1 == 3
E       assert (1 + 1) == 3

test_math.py:12: AssertionError`),
    r("test_math.py::TestStrings::test_lowers_wrongly", "failed", null, `self = <test_math.TestStrings object at 0x7f9a880fadd0>

    def test_lowers_wrongly(self):
>       assert "A".lower() == "b"
E       AssertionError: assert 'a' == 'b'
E         - b
E         + a

test_math.py:30: AssertionError`),
  ],
  "pytest-default-rA": [
    r("test_math.py::test_adds", "passed", null),
    r("test_math.py::TestStrings::test_joins", "passed", null),
    r("test_math.py::TestStrings::test_uppers[a]", "passed", null),
    r("test_math.py::TestStrings::test_uppers[b]", "passed", null),
    r("test_math.py::test_prints", "passed", null),
    r("test_math.py::test_slow", "passed", null),
    r("test_other.py::test_second_file_passes", "passed", null),
    r("test_math.py:15: not written yet", "skipped", null),
    r("test_math.py::test_known_bug", "skipped", null),
    r("test_math.py::test_fails", "failed", null, `    def test_fails():
>       assert 1 + 1 == 3
E       assert (1 + 1) == 3

test_math.py:12: AssertionError`),
    r("test_math.py::TestStrings::test_lowers_wrongly", "failed", null, `self = <test_math.TestStrings object at 0x7f10eaffd250>

    def test_lowers_wrongly(self):
>       assert "A".lower() == "b"
E       AssertionError: assert 'a' == 'b'
E         - b
E         + a

test_math.py:30: AssertionError`),
  ],
  "pytest-default": [
    r("test_math.py::test_fails", "failed", null, `    def test_fails():
>       assert 1 + 1 == 3
E       assert (1 + 1) == 3

test_math.py:12: AssertionError`),
    r("test_math.py::TestStrings::test_lowers_wrongly", "failed", null, `self = <test_math.TestStrings object at 0x7fa798501e10>

    def test_lowers_wrongly(self):
>       assert "A".lower() == "b"
E       AssertionError: assert 'a' == 'b'
E         - b
E         + a

test_math.py:30: AssertionError`),
  ],
  "go-verbose": [
    r("TestAdds", "passed", 0),
    r("TestFails", "failed", 0, "math_test.go:19: 1 + 1 = 2, want 3"),
    r("TestLater", "skipped", 0),
    r("TestStrings/joins", "passed", 0),
    r("TestStrings/case/uppers", "passed", 0),
    r("TestStrings/case/lowers_wrongly", "failed", 0, "math_test.go:41: ToLower(\"A\") = \"a\", want \"b\""),
    r("TestPrints", "passed", 0),
    r("TestSlow", "passed", 300),
    r("TestSecondPackagePasses", "passed", 0),
  ],
  "go-json": [
    r("example.com/sample > TestAdds", "passed", 0),
    r("example.com/sample > TestFails", "failed", 0, "math_test.go:19: 1 + 1 = 2, want 3"),
    r("example.com/sample > TestLater", "skipped", 0),
    r("example.com/sample > TestStrings/joins", "passed", 0),
    r("example.com/sample > TestStrings/case/uppers", "passed", 0),
    r("example.com/sample > TestStrings/case/lowers_wrongly", "failed", 0, "math_test.go:41: ToLower(\"A\") = \"a\", want \"b\""),
    r("example.com/sample > TestPrints", "passed", 0),
    r("example.com/sample/strs > TestSecondPackagePasses", "passed", 0),
    r("example.com/sample > TestSlow", "passed", 300),
  ],
  "cargo": [
    r("tests::adds", "passed", null),
    r("tests::later", "skipped", null),
    r("tests::panics_as_expected", "passed", null),
    r("tests::prints", "passed", null),
    r("tests::strings::case::uppers", "passed", null),
    r("tests::strings::joins", "passed", null),
    r("tests::slow", "passed", null),
    r("tests::fails", "failed", null, `thread 'tests::fails' (19438) panicked at src/lib.rs:23:9:
assertion \`left == right\` failed
  left: 2
 right: 3`),
    r("tests::strings::case::lowers_wrongly", "failed", null, `thread 'tests::strings::case::lowers_wrongly' (19442) panicked at src/lib.rs:44:17:
assertion \`left == right\` failed: lowercase of A
  left: "a"
 right: "b"`),
  ],
  "cargo-no-fail-fast": [
    r("tests::adds", "passed", null),
    r("tests::later", "skipped", null),
    r("tests::prints", "passed", null),
    r("tests::panics_as_expected", "passed", null),
    r("tests::strings::case::uppers", "passed", null),
    r("tests::strings::joins", "passed", null),
    r("tests::slow", "passed", null),
    r("tests::fails", "failed", null, `thread 'tests::fails' (22851) panicked at src/lib.rs:23:9:
assertion \`left == right\` failed
  left: 2
 right: 3
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace`),
    r("tests::strings::case::lowers_wrongly", "failed", null, `thread 'tests::strings::case::lowers_wrongly' (22855) panicked at src/lib.rs:44:17:
assertion \`left == right\` failed: lowercase of A
  left: "a"
 right: "b"`),
    r("second_binary_passes", "passed", null),
    r("src/lib.rs - add (line 5)", "passed", null),
  ],
};

/** Per capture: its reader, and a line that must not have been fed yet when the first result came out. */
const CASES: { capture: string; reader: string; firstBefore?: string; deferred?: boolean }[] = [
  { capture: "node-spec", reader: "node-spec", firstBefore: "✖ fails" },
  // tap-parser gives a test point when the next one comes (or after a pause: see parsers.test.ts)
  { capture: "node-tap", reader: "tap", firstBefore: "# Subtest: later" },
  { capture: "node-both", reader: "tap", firstBefore: "# Subtest: later" },
  { capture: "vitest-default", reader: "vitest", firstBefore: "✓ other.test.mjs (1 test)" },
  { capture: "vitest-verbose", reader: "vitest", firstBefore: "× math.test.mjs > fails" },
  { capture: "vitest-color", reader: "vitest", firstBefore: "other.test.mjs" },
  { capture: "jest-default", reader: "jest", firstBefore: "PASS ./other.test.js" },
  { capture: "jest-verbose", reader: "jest", firstBefore: "✕ fails" },
  { capture: "jest-color", reader: "jest", firstBefore: "fails (21 ms)" },
  { capture: "pytest-verbose", reader: "pytest", firstBefore: "test_math.py::test_later SKIPPED" },
  { capture: "pytest-default-rA", reader: "pytest", deferred: true },
  { capture: "pytest-default", reader: "pytest", deferred: true },
  { capture: "go-verbose", reader: "go", firstBefore: "=== RUN   TestFails" },
  { capture: "go-json", reader: "go-json", firstBefore: '"Action":"run","Package":"example.com/sample","Test":"TestFails"' },
  { capture: "cargo", reader: "cargo", firstBefore: "test tests::later" },
  { capture: "cargo-no-fail-fast", reader: "cargo", firstBefore: "test tests::later" },
];

describe.each(CASES)("$capture", ({ capture: name, reader, firstBefore, deferred }) => {
  const events = capture(name);

  it(`is read by the ${reader} reader, line by line, with exact results`, async () => {
    const got = await byLine(events);
    expect(got.reader).toBe(reader);
    expect(got.results.map(plain)).toEqual(EXPECTED[name]);
    expect(got.results.every((x) => !!x.deferred === !!deferred)).toBe(true);
  });

  it("gives the same results from chunks cut at arbitrary byte boundaries", async () => {
    const whole = (await byLine(events)).results.map(plain);
    for (const seed of [1, 7, 42]) {
      const got = await inPieces(events, seed);
      expect(got.reader).toBe(reader);
      expect(got.results.map(plain), `seed ${seed}`).toEqual(whole);
    }
  });

  it.runIf(!!firstBefore)("reports tests as they finish, not at the end", async () => {
    const got = await byLine(events);
    const limit = events.findIndex((e) => e.text.includes(firstBefore!));
    expect(limit).toBeGreaterThan(0);
    expect(got.results[0]!.at).toBeLessThan(limit);
    // and results keep coming while the output goes on
    const during = got.results.filter((x) => x.at < events.length - 1);
    expect(during.length).toBeGreaterThanOrEqual(Math.ceil(got.results.length / 2));
  });
});

describe("detection", () => {
  it("each capture's first identifying line names one reader; two reporters of one run are read once", async () => {
    const both = await byLine(capture("node-both"));
    expect(both.reader).toBe("tap");
    expect(both.results.map((x) => x.name)).toEqual(["adds", "fails", "later", "someday", "strings > joins", "strings > case > uppers", "strings > case > lowers wrongly", "prints", "slow"]);
  });

  it("TAP and spec lines of the same tests in one stream are counted once, by the reader chosen first", async () => {
    const mixed: Event[] = [
      { stream: "stdout", text: "TAP version 13\n" },
      { stream: "stdout", text: "ok 1 - adds\n" },
      { stream: "stdout", text: "✔ adds (1.5ms)\n" },
      { stream: "stdout", text: "▶ suite\n" },
      { stream: "stdout", text: "  ✔ inner (1ms)\n" },
      { stream: "stdout", text: "1..1\n" },
    ];
    const got = await byLine(mixed);
    expect(got.reader).toBe("tap");
    expect(got.results.map((x) => x.name)).toEqual(["adds"]);
    const spec = await byLine(mixed.slice(2).concat([{ stream: "stdout", text: "ok 1 - adds\n" }]));
    expect(spec.reader).toBe("node-spec");
    expect(spec.results.map((x) => x.name)).toEqual(["adds", "suite > inner"]);
  });

  it("lines that identify no runner are not results; go's package lines and cargo's summary are not TAP", () => {
    for (const line of ["hello", "ok  \texample.com/m\t0.002s", "test result: ok. 1 passed; 0 failed", "PASS", "  ✓ adds (20 ms)", "{\"not\":\"go\"}"]) {
      expect(detectReader("stdout", line), line).toBeNull();
    }
    expect(detectReader("stdout", "ok 1 - first")?.name).toBe("tap");
    expect(detectReader("stderr", "FAIL ./math.test.js")?.name).toBe("jest");
    expect(detectReader("stderr", " FAIL  math.test.mjs > fails")).toBeNull(); // vitest's failure section is not jest
  });

  it("colour codes are removed before reading (vitest and jest with FORCE_COLOR)", async () => {
    const coloured = await byLine(capture("jest-color"));
    const plainRun = await byLine(capture("jest-verbose"));
    expect(coloured.results.map((x) => [x.name, x.status])).toEqual(plainRun.results.map((x) => [x.name, x.status]));
    expect(coloured.results.every((x) => !(x.name + (x.error ?? "")).includes("\u001b"))).toBe(true);
  });

  it("TAP through the output reader: a test point followed by a pause is released, even without a TAP header", async () => {
    const results: ParsedResult[] = [];
    const reader = createOutputReader({ detected: () => {}, plan: () => {}, result: (x) => results.push(x) });
    reader.write("stdout", Buffer.from("ok 1 - first\n"));
    reader.write("stdout", Buffer.from("# waiting\n"));
    reader.write("stderr", Buffer.from("not ok 9 - from stderr, not the TAP stream\n"));
    await new Promise((res) => setTimeout(res, 400));
    expect(results.map((x) => x.name)).toEqual(["first"]);
    await reader.end();
    expect(results.map((x) => x.name)).toEqual(["first"]);
  });

  it("a failure printed just before a pause is released once nothing more comes (no later line needed)", async () => {
    const results: ParsedResult[] = [];
    const reader = createOutputReader({ detected: () => {}, plan: () => {}, result: (x) => results.push(x) });
    reader.write("stdout", "✔ adds (1ms)\n✖ fails (2ms)\n  Error: boom\n");
    expect(results.map((x) => x.name)).toEqual(["adds"]);
    await new Promise((res) => setTimeout(res, 400));
    expect(results.map((x) => [x.name, x.error])).toEqual([
      ["adds", undefined],
      ["fails", "Error: boom"],
    ]);
    await reader.end();
  });

  it("hostile lines cost linear time in every reader (no catastrophic backtracking)", async () => {
    const spaces = " ".repeat(9000);
    const hostile = [
      ` ✓ a${spaces}x`,
      ` FAIL  a${spaces}x`,
      `   ✓ a${spaces}1ms x`,
      `=== a ${"= ".repeat(4000)}x`,
      `=== ${"passed in 1s ".repeat(700)}x`,
      `x.py::a ${"PASSED ".repeat(1400)}x`,
      `✔ ${"a (1ms) ".repeat(1100)}x`,
      `test ${"a ... ".repeat(1600)}x`,
      `PASS a${spaces}x`,
      `  ✓ ${"a (1 ms) ".repeat(1000)}x`,
      `    at ${"x ".repeat(4500)}`,
    ];
    const t0 = Date.now();
    for (const first of ["RUN  v4.1.12 /x", "=== RUN   TestX", "running 1 test", "collected 1 item", "FAIL ./a.test.js", "✔ a (1ms)", "TAP version 13"]) {
      const reader = createOutputReader({ detected: () => {}, plan: () => {}, result: () => {} });
      reader.write("stdout", (first.startsWith("RUN") ? " " : "") + first + "\n");
      for (let i = 0; i < 5; i++) for (const line of hostile) reader.write(i % 2 ? "stderr" : "stdout", line + "\n");
      await reader.end();
    }
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("bounds what it keeps: a huge line and an endless failure block stay bounded", async () => {
    const results: ParsedResult[] = [];
    const reader = createOutputReader({ detected: () => {}, plan: () => {}, result: (x) => results.push(x) });
    reader.write("stdout", "✖ " + "x".repeat(200_000) + " (1ms)\n");
    reader.write("stdout", "✖ fails (2ms)\n" + "  boom\n".repeat(50_000));
    await reader.end();
    expect(results).toHaveLength(1); // the huge line was cut, so it is no longer a result line
    expect(results[0]!.error!.length).toBeLessThanOrEqual(4000);
  });
});

/* ---------- JUnit reports ---------- */

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "sb-junit-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("JUnit reports", () => {
  it("the streaming reader gives what the whole-document parser gives, for vitest's and pytest's real reports", () => {
    for (const file of ["vitest-junit.xml", "pytest-junit.xml"]) {
      const text = readFileSync(path.join(FIXTURES, file), "utf8");
      const got: ParsedResult[] = [];
      const reader = createJUnitReader({ result: (x) => got.push(x) });
      for (let i = 0; i < text.length; i += 7) reader.write(text.slice(i, i + 7));
      expect(reader.failed).toBe(false);
      // (the whole-document parser leaves character references such as &#10; undecoded)
      const decoded = parseJUnitXml(text).map((x) => (x.error ? { ...x, error: x.error.replaceAll("&#10;", "\n") } : x));
      expect(got, file).toEqual(decoded);
    }
    const tools = ["vitest-junit.xml", "pytest-junit.xml"].map((f) => {
      const reader = createJUnitReader({ result: () => {} });
      reader.write(readFileSync(path.join(FIXTURES, f), "utf8"));
      return reader.tool;
    });
    expect(tools).toEqual(["vitest", "pytest"]);
  });

  it("a report written in pieces is read while it grows: each testcase once it closes", async () => {
    const dir = tempDir();
    const file = path.join(dir, "reports", "junit.xml");
    const seen: string[] = [];
    const watcher = createJUnitWatcher(dir, Date.now(), { result: (x) => seen.push(`${x.name}:${x.status}`) });
    const { mkdirSync } = await import("node:fs");
    mkdirSync(path.dirname(file));
    writeFileSync(file, '<?xml version="1.0"?>\n<testsuites><testsuite name="math">\n<testcase name="adds" time="0.01"/>\n<testcase name="div');
    await watcher.poll();
    expect(seen).toEqual(["math > adds:passed"]);
    appendFileSync(file, 'ides" time="0.02"><failure message="division by zero">stack</fail');
    await watcher.poll();
    expect(seen).toEqual(["math > adds:passed"]); // not closed yet
    appendFileSync(file, "ure></testcase>\n");
    await watcher.poll();
    expect(seen).toEqual(["math > adds:passed", "math > divides:failed"]);
    appendFileSync(file, '<testcase name="later"><skipped/></testcase></testsuite></testsuites>\n');
    await watcher.final();
    expect(seen).toEqual(["math > adds:passed", "math > divides:failed", "math > later:skipped"]);
    // rewritten from the start (a second report of the same run): known tests are not counted again
    writeFileSync(file, '<testsuites><testsuite name="math"><testcase name="adds"/><testcase name="more"/></testsuite></testsuites>');
    await watcher.poll();
    expect(seen).toEqual(["math > adds:passed", "math > divides:failed", "math > later:skipped", "math > more:passed"]);
  });

  it("other XML, malformed reports, entity tricks and old reports give nothing", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "pom.xml"), "<project><testcase name='x'/></project>");
    writeFileSync(path.join(dir, "bad.xml"), "<testsuites><testsuite><testcase name='a'/><<<</testsuites>");
    writeFileSync(path.join(dir, "evil.xml"), '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><testsuites><testsuite name="s"><testcase name="&x;"/></testsuite></testsuites>');
    const seen: string[] = [];
    const watcher = createJUnitWatcher(dir, Date.now(), { result: (x) => seen.push(x.name) });
    await watcher.final();
    expect(seen).toEqual(["a"]); // bad.xml's first testcase closed before the garbage; nothing from the others
    const old = tempDir();
    writeFileSync(path.join(old, "junit.xml"), "<testsuites><testsuite name='s'><testcase name='old'/></testsuite></testsuites>");
    const later: string[] = [];
    await createJUnitWatcher(old, Date.now() + 10_000, { result: (x) => later.push(x.name) }).final();
    expect(later).toEqual([]);
  });
});

describe("a run's output and reports together", () => {
  async function run(dir: string, events: Event[], reports: Record<string, string> = {}) {
    const results: ParsedResult[] = [];
    const labels: string[] = [];
    const readers = createRunReaders({ dir, since: Date.now() - 500, onResult: (x) => results.push(x), onPlan: () => {}, onReader: (l) => labels.push(l) });
    for (const e of events) readers.output(e.stream, e.text);
    for (const [name, text] of Object.entries(reports)) writeFileSync(path.join(dir, name), text);
    await readers.poll();
    const label = await readers.end();
    return { results, labels, label };
  }

  it("pytest without -v and its JUnit report: the report replaces the summary (each test once)", async () => {
    const got = await run(tempDir(), capture("pytest-junit"), { "report.xml": readFileSync(path.join(FIXTURES, "pytest-junit.xml"), "utf8") });
    expect(got.results.map((x) => [x.name, x.status])).toEqual(parseJUnitXml(readFileSync(path.join(FIXTURES, "pytest-junit.xml"), "utf8")).map((x) => [x.name, x.status]));
    expect(got.results).toHaveLength(11);
    expect(got.label).toBe("junit");
  });

  it("pytest -v and its JUnit report: the live output counts, the report is not counted again", async () => {
    const got = await run(tempDir(), capture("pytest-verbose"), { "report.xml": readFileSync(path.join(FIXTURES, "pytest-junit.xml"), "utf8") });
    expect(got.results.map(plain)).toEqual(EXPECTED["pytest-verbose"]);
    expect(got.label).toBe("pytest");
  });

  it("vitest's verbose output and its own JUnit report: counted once", async () => {
    const got = await run(tempDir(), capture("vitest-verbose"), { "report.xml": readFileSync(path.join(FIXTURES, "vitest-junit.xml"), "utf8") });
    expect(got.results.map(plain)).toEqual(EXPECTED["vitest-verbose"]);
    expect(got.labels).toEqual(["vitest"]);
  });

  it("vitest with only a JUnit reporter: the report's results", async () => {
    const got = await run(tempDir(), capture("vitest-junit"), { "report.xml": readFileSync(path.join(FIXTURES, "vitest-junit.xml"), "utf8") });
    expect(got.results).toHaveLength(10);
    expect(got.results.find((x) => x.name === "math.test.mjs > strings > case > lowers wrongly")).toMatchObject({ status: "failed", error: expect.stringContaining("expected 'a' to be 'b'") });
    expect(got.label).toBe("junit");
  });

  it("TAP output and another tool's report: both count, the label says so", async () => {
    const report = '<testsuites><testsuite name="math"><testcase name="adds" time="0.01"/></testsuite></testsuites>';
    const got = await run(tempDir(), capture("node-tap"), { "junit.xml": report });
    expect(got.results.map((x) => x.name)).toEqual([...EXPECTED["node-tap"]!.map((x) => x.name), "math > adds"]);
    expect(got.labels).toEqual(["tap", "tap+junit"]);
  });

  it("pytest's end-of-run summary alone is reported when the command ends", async () => {
    const got = await run(tempDir(), capture("pytest-default-rA"));
    expect(got.results.map(plain)).toEqual(EXPECTED["pytest-default-rA"]);
    expect(got.label).toBe("pytest");
  });
});
