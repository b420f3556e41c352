// Reading test results as they come: TAP with tap-parser (node-tap's own parser; node --test, tape and
// many runners speak TAP) and JUnit XML with fast-xml-parser (vitest, jest-junit, pytest --junitxml, …).
import type { Parser } from "tap-parser";
import type * as TapModule from "tap-parser";
import type * as FxpModule from "fast-xml-parser";
import { lazy } from "../lazy";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lib/lazy.ts)
const tap = lazy(() => require("tap-parser") as typeof TapModule);

export type ParsedResult = { name: string; status: "passed" | "failed" | "skipped"; duration_ms: number | null; error?: string };

const errorText = (diag: Record<string, unknown> | null | undefined): string | undefined => {
  if (!diag) return undefined;
  const parts = [diag.error ?? diag.message, diag.expected !== undefined ? `expected: ${JSON.stringify(diag.expected)}` : null, diag.actual !== undefined ? `actual: ${JSON.stringify(diag.actual)}` : null];
  const stack = typeof diag.stack === "string" ? diag.stack.split("\n").slice(0, 4).join("\n") : null;
  const text = [...parts.filter((p) => p !== null && p !== undefined).map(String), stack].filter(Boolean).join("\n");
  return text ? text.slice(0, 4000) : undefined;
};

/**
 * A streaming TAP reader. Reports leaf tests only (a subtest that contains tests is a suite),
 * named with their parents ("suite > test").
 */
export function createTapReader(on: { result: (r: ParsedResult) => void; plan?: (total: number) => void }) {
  const root = new (tap().Parser)();
  // tap-parser holds a test point until the next TAP line (a YAML block may follow), and plain output lines in
  // between do not release it, so the last test before a pause would show late. When no TAP line has come for a
  // moment after a finished point, flush the innermost parser. Plain output neither counts as TAP nor delays this.
  const active: Parser[] = [root];
  let idle: NodeJS.Timeout | null = null;
  let lastTapLine = "";
  let inYaml = false;
  const flushIdle = () => {
    idle = null;
    if (/^\s/.test(partial)) return; // an indented line (YAML, a subtest) is still being written
    const inner = active[active.length - 1] as Parser & { emitResult?: () => void };
    const trimmed = lastTapLine.trim();
    if (!inYaml && (trimmed === "..." || trimmed.startsWith("#") || /^(not )?ok\b/.test(trimmed))) inner.emitResult?.();
  };
  const TAP_LINE = /^\s*(?:(?:not )?ok\b|\.\.\.$|---$|#|\d+\.\.\d+|TAP version|Bail out!)/;
  let partial = "";
  const track = (chunk: string) => {
    let sawTap = false;
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    if (partial) sawTap = true; // a line still being written: wait for it
    for (const line of lines) {
      if (line.trim() === "") continue;
      if (inYaml || TAP_LINE.test(line)) {
        sawTap = true;
        lastTapLine = line;
        if (/^\s*---$/.test(line)) inYaml = true;
        else if (/^\s*\.\.\.$/.test(line)) inYaml = false;
      }
    }
    return sawTap;
  };
  const attach = (parser: Parser, depth: number) => {
    if (depth > 0) {
      active.push(parser);
      parser.once("complete", () => {
        const i = active.indexOf(parser);
        if (i >= 0) active.splice(i, 1);
      });
    }
    let lastChildHadAsserts = false;
    parser.on("child", (child: Parser) => {
      lastChildHadAsserts = false;
      child.on("assert", () => {
        lastChildHadAsserts = true;
      });
      attach(child, depth + 1);
    });
    parser.on("assert", (r: { ok: boolean; name: string; fullname: string; skip: unknown; todo: unknown; time: number | null; diag: Record<string, unknown> | null }) => {
      const isSuite = lastChildHadAsserts || r.diag?.type === "suite";
      lastChildHadAsserts = false;
      if (isSuite) return;
      const status = r.skip || r.todo ? "skipped" : r.ok ? "passed" : "failed";
      on.result({
        name: (r.fullname || r.name || "(unnamed test)").slice(0, 500),
        status,
        duration_ms: r.time ?? (typeof r.diag?.duration_ms === "number" ? (r.diag.duration_ms as number) : null),
        ...(status === "failed" ? { error: errorText(r.diag) ?? "failed" } : {}),
      });
    });
    if (depth === 0 && on.plan) {
      parser.on("plan", (p: { start: number; end: number }) => on.plan!(Math.max(0, p.end - p.start + 1)));
    }
  };
  attach(root, 0);
  return {
    write: (chunk: string) => {
      root.write(chunk);
      if (track(chunk) || !idle) {
        if (idle) clearTimeout(idle);
        idle = setTimeout(flushIdle, 200);
      }
    },
    end: () =>
      new Promise<void>((resolve) => {
        if (idle) clearTimeout(idle);
        root.once("complete", () => resolve());
        root.end();
      }),
  };
}

const xml = lazy(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lib/lazy.ts)
  const { XMLParser } = require("fast-xml-parser") as typeof FxpModule;
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "testsuite" || name === "testcase" });
});

/** Parse a JUnit XML report (testsuites/testsuite/testcase). Throws on malformed XML. */
export function parseJUnitXml(text: string): ParsedResult[] {
  const doc = xml().parse(text, true) as Record<string, any>;
  const suites: any[] = doc.testsuites?.testsuite ?? doc.testsuite ?? [];
  const out: ParsedResult[] = [];
  const walk = (suite: any, prefix: string) => {
    const suiteName = suite.name ? String(suite.name) : "";
    for (const tc of suite.testcase ?? []) {
      const failure = tc.failure ?? tc.error;
      const skipped = tc.skipped !== undefined;
      const name = [prefix, suiteName, tc.classname && tc.classname !== suiteName ? tc.classname : null, tc.name].filter(Boolean).join(" > ");
      const f = Array.isArray(failure) ? failure[0] : failure;
      const msg = f === undefined ? undefined : typeof f === "string" ? f : [f.message, f["#text"]].filter(Boolean).join("\n");
      out.push({
        name: name.slice(0, 500) || "(unnamed test)",
        status: failure !== undefined ? "failed" : skipped ? "skipped" : "passed",
        duration_ms: tc.time !== undefined && !Number.isNaN(Number(tc.time)) ? Math.round(Number(tc.time) * 1000 * 1000) / 1000 : null,
        ...(failure !== undefined ? { error: (msg || "failed").slice(0, 4000) } : {}),
      });
    }
    for (const inner of suite.testsuite ?? []) walk(inner, [prefix, suiteName].filter(Boolean).join(" > "));
  };
  for (const s of suites) walk(s, "");
  return out;
}
