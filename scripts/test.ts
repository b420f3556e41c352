// `npm test`: typecheck, vitest against embedded PGlite (the storage-facing suites), vitest against
// PostgreSQL + Redis (every suite, fresh databases), then Playwright in Chromium. PostgreSQL/Redis missing:
// a loud warning locally, a failure in CI.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import net from "node:net";
import { buildIfStale } from "./build-if-stale";

const ROOT = path.resolve(__dirname, "..");
const CI = !!process.env.CI && process.env.CI !== "false";
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];
const failedTests: string[] = [];

/**
 * The PGlite leg: the suites whose subject is storage — the event log's ordering, replay, group commit and
 * refusals of what PostgreSQL cannot store, retention, idempotency, restarts on the same DATA_DIR, cached
 * lookups and their invalidation, the REST resources' reads and writes, deletion. The rest of the suite
 * (sandboxed runs, GitHub, vibecode, docs, examples, permissions…) goes through the same data layer and runs
 * once, against PostgreSQL + Redis, the production setup. `npm run test:unit` with TEST_DB=pglite runs it all.
 */
const PGLITE_SUITES = [
  "test/delivery/",
  "test/integration/accounts.test.ts",
  "test/integration/budgets.test.ts",
  "test/integration/feed.test.ts",
  "test/integration/ingest.test.ts",
  "test/integration/lifecycle.test.ts",
  "test/integration/realtime.test.ts",
  "test/integration/rest-publish.test.ts",
  "test/integration/rest.test.ts",
  "test/integration/tokens.test.ts",
  "test/integration/workflow-lifecycle.test.ts",
  "test/integration/workflows.test.ts",
  "test/security/bounds.test.ts",
  "test/security/lookup-cache.test.ts",
  "test/security/project-delete.test.ts",
  "test/security/redaction.test.ts",
  "test/security/retention.test.ts",
];

function run(label: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n━━━ ${label} ━━━`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) failures.push(label);
  return r.status === 0;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    sock.setTimeout(2000);
    sock.once("connect", () => (sock.destroy(), resolve(true)));
    sock.once("error", () => resolve(false));
    sock.once("timeout", () => (sock.destroy(), resolve(false)));
  });
}

function loud(msg: string) {
  const bar = "!".repeat(78);
  console.error(`\n${bar}\n!!! ${msg}\n${bar}\n`);
}

function countVitest(file: string, leg: string) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, "utf8"));
  totals.passed += r.numPassedTests ?? 0;
  totals.failed += r.numFailedTests ?? 0;
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  for (const f of r.testResults ?? []) {
    for (const t of f.assertionResults ?? []) {
      if (t.status === "failed") failedTests.push(`[${leg}] ${path.relative(ROOT, f.name)} › ${t.fullName}: ${String(t.failureMessages?.[0] ?? "").split("\n")[0]}`);
    }
    if (f.status === "failed" && !(f.assertionResults ?? []).some((t: { status: string }) => t.status === "failed")) {
      failedTests.push(`[${leg}] ${path.relative(ROOT, f.name)}: ${String(f.message ?? "").split("\n")[0]}`);
    }
  }
}

function countPlaywright(file: string) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, "utf8"));
  totals.passed += r.stats?.expected ?? 0;
  totals.failed += (r.stats?.unexpected ?? 0) + (r.stats?.flaky ?? 0);
  totals.skipped += r.stats?.skipped ?? 0;
  const walk = (suite: { title?: string; specs?: { title: string; ok: boolean; file?: string }[]; suites?: unknown[] }) => {
    for (const spec of suite.specs ?? []) if (!spec.ok) failedTests.push(`[playwright] ${spec.file ?? ""} › ${spec.title}`);
    for (const s of (suite.suites ?? []) as (typeof suite)[]) walk(s);
  };
  for (const s of r.suites ?? []) walk(s);
}

async function main() {
  mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
  buildIfStale(); // first: the build regenerates .next/types, which the typecheck includes
  run("typecheck", bin("tsc"), ["--noEmit"]);

  const vitest = (leg: string, env: Record<string, string>, files: string[] = []) => {
    const out = path.join(ROOT, `test-results/vitest-${leg}.json`);
    run(`vitest (${leg})`, bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...files], env);
    countVitest(out, leg);
  };

  vitest("pglite", { TEST_DB: "pglite" }, PGLITE_SUITES);

  const [pgUp, redisUp] = await Promise.all([reachable(5432), reachable(6379)]);
  if (pgUp) {
    vitest("postgres", { TEST_DB: "postgres", ...(redisUp ? { TEST_REDIS: "1" } : {}) });
  } else {
    loud("PostgreSQL is not reachable on 127.0.0.1:5432: the PostgreSQL leg of the suite did NOT run");
    if (CI) failures.push("PostgreSQL missing");
  }
  if (!redisUp) {
    loud("Redis is not reachable on 127.0.0.1:6379: the Redis scale-out tests did NOT run");
    if (CI) failures.push("Redis missing");
  }

  const pwOut = path.join(ROOT, "test-results/playwright.json");
  run("playwright (Chromium)", bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwOut, PW_JSON: "1" });
  countPlaywright(pwOut);

  console.log(`\n━━━ summary ━━━`);
  if (failures.length) console.log(`failed steps: ${failures.join(", ")}`);
  for (const t of failedTests) console.log(`  ✗ ${t.slice(0, 400)}`);
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(failures.length ? 1 : 0);
}

void main();
