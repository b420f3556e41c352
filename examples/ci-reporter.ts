// A CI reporter: reads a test run's TAP output on stdin and posts each result to Switchboard as it happens
// (an "external" test run: the project page shows it live), then completes the run. Use a personal token
// (API tokens page → kind "Personal"; agent tokens may not report test runs):
//
//   node --test --test-reporter=tap 2>&1 | SWITCHBOARD_TOKEN=sb_pat_… PROJECT_ID=<uuid> npx tsx examples/ci-reporter.ts
//
// Optional: RUN_NAME (default "CI"), TEST_TOTAL (the number of tests, when known), FLUSH_MS (how long results
// are gathered before they are posted, default 250). The input passes through to stdout unchanged.
import { createInterface } from "node:readline";
import { connect, SwitchboardError } from "@switchboard/client";
import { intEnv, settings } from "./env";

const { url, token, projectId } = settings();
const flushMs = intEnv("FLUSH_MS", 250, 60_000);
const total = process.env.TEST_TOTAL ? intEnv("TEST_TOTAL", 0, 1_000_000) : undefined;
const MAX_BATCH = 500; // the API takes at most 1000 results per request
const MAX_LINE = 64 * 1024;

type Result = { name: string; status: "passed" | "failed" | "skipped"; duration_ms?: number | null; error?: string };

// A top-level TAP test point (subtests are indented): `ok 3 - name # SKIP reason` / `not ok 4 - name`.
const POINT = /^(not )?ok\s+\d+(?:\s+-)?\s*(.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?$/i;
const DURATION = /^ {2}duration_ms:\s*([\d.]+)/; // the top-level test's YAML block (subtests' are deeper)
const ERROR = /^ {2}(?:error|message):\s*(.+)$/;

async function main() {
  // REST only: the client opens its socket on first use (subscribe, a command), so none is opened here.
  const sb = connect({ url, token });
  const started = Date.now();
  const run = await sb.testRuns.start(projectId, { name: process.env.RUN_NAME || "CI", total });
  console.error(`[ci-reporter] test run ${run.test_run_id}`);

  const pending: Result[] = [];
  let last: Result | null = null;
  let failed = 0;
  let bailed = false;
  let posting: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = pending.splice(0, MAX_BATCH);
    if (!batch.length) return posting;
    posting = posting.then(() => sb.testRuns.results(run.test_run_id, batch).then(() => undefined));
    return posting;
  };
  const timer = setInterval(() => void flush().catch(() => {}), flushMs);

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const raw of lines) {
    const line = raw.slice(0, MAX_LINE);
    console.log(line);
    const m = POINT.exec(line);
    if (m) {
      const directive = m[3]?.toUpperCase();
      last = { name: (m[2] || "unnamed test").slice(0, 500), status: directive === "SKIP" || directive === "TODO" ? "skipped" : m[1] ? "failed" : "passed" };
      if (last.status === "failed") failed++;
      pending.push(last);
      if (pending.length >= MAX_BATCH) await flush();
      continue;
    }
    if (/^Bail out!/i.test(line)) bailed = true;
    // YAML diagnostics of the last test point: its duration and the failure's message.
    const d = last && DURATION.exec(line);
    if (d && last) last.duration_ms = Math.round(Number(d[1]));
    const e = last?.status === "failed" && !last.error ? ERROR.exec(line) : null;
    if (e && last) last.error = e[1]!.replace(/^['"]|['"]$/g, "").slice(0, 4000);
  }
  clearInterval(timer);
  await flush();
  await posting;
  const status = bailed ? "error" : failed ? "failed" : "passed";
  await sb.testRuns.complete(run.test_run_id, { status, duration_ms: Date.now() - started });
  console.error(`[ci-reporter] test run ${run.test_run_id} ${status}`);
  sb.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[ci-reporter] failed: ${e instanceof SwitchboardError ? `${e.code}: ` : ""}${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
