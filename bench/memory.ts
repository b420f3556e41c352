// bench:memory — the server's memory at rest (issue #11 item 5): the production build, as `npm start` runs it
// (NODE_ENV=production, MALLOC_ARENA_MAX=2, node --max-semi-space-size=8, compiled dist/server.js), after start, one sign-up, a token and a
// cookie sign-in, one rendered dashboard page and one socket that joins a project room, then BENCH_IDLE_SECONDS
// of rest. Both databases (PostgreSQL, then embedded PGlite) and, as the baseline, bench/bare-server.ts.
// Prints VmRSS at rest (what the operating system sees: the target), then RSS and heap after a full GC
// (the stats hook, bench/support/stats-hook.mjs), and PASS/FAIL.
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";
import { createTestDatabase } from "../test/support/server";
import { f, log, machine, num, saveResults, sleep, startBare, startReal, table, verdict, type Target } from "./support/harness";

const IDLE_SECONDS = num("BENCH_IDLE_SECONDS", 5);
const TARGET_MB = num("BENCH_IDLE_RSS_TARGET_MB", 250);
const MB = 1e6;

/** VmRSS of a process, bytes (what `ps`/`top` show; process.memoryUsage().rss is the same number). */
function vmRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

type Row = { server: string; rss_at_rest: number; rss_after_gc: number; heap_after_gc: number };

async function measureReal(db: "postgres" | "pglite"): Promise<Row> {
  const pg = db === "postgres" ? await createTestDatabase() : undefined;
  const target = await startReal(`memory-${db}`, { databaseUrl: pg?.url });
  const app = target.app!;
  try {
    const user = await app.createUser("Memory");
    const project = await app.createProject(user);
    const cookie = await app.sessionCookie(user);
    const page = await fetch(`${app.url}/projects/${project.id}`, { headers: { cookie } });
    if (page.status !== 200) throw new Error(`dashboard page answered ${page.status}`);
    await page.text();
    const socket = io(app.url, { transports: ["websocket"], auth: { token: user.token }, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => socket.emit("join", { room: `project:${project.id}` }, () => resolve()));
      socket.once("connect_error", reject);
    });
    log(`  ${db}: signed in, page rendered, socket joined; resting ${IDLE_SECONDS} s`);
    await sleep(IDLE_SECONDS * 1000);
    const atRest = vmRss(app.proc.pid!);
    const gc = await target.memAfterGc();
    socket.close();
    return { server: `switchboard (${db})`, rss_at_rest: atRest, rss_after_gc: gc.rss, heap_after_gc: gc.heap_used };
  } finally {
    await target.stop();
    await pg?.drop();
  }
}

async function measureBare(): Promise<Row> {
  const bare: Target = await startBare("bare-memory");
  try {
    const socket = io(bare.url, { transports: ["websocket"], query: { room: "project:memory" }, reconnection: false });
    await new Promise<void>((resolve, reject) => (socket.once("connect", () => resolve()), socket.once("connect_error", reject)));
    await sleep(IDLE_SECONDS * 1000);
    const atRest = vmRss(bare.proc.pid!);
    const gc = await bare.memAfterGc();
    socket.close();
    return { server: "bare Socket.IO", rss_at_rest: atRest, rss_after_gc: gc.rss, heap_after_gc: gc.heap_used };
  } finally {
    await bare.stop();
  }
}

async function main() {
  const m = machine();
  log(`memory: idle RSS of the production server, load average ${m.loadavg_at_start}`);
  const rows: Row[] = [await measureBare()];
  for (const db of ["postgres", "pglite"] as const) rows.push(await measureReal(db));
  console.log("");
  table(
    ["server", "RSS at rest MB", "RSS after GC MB", "heap after GC MB"],
    rows.map((r) => [r.server, f(r.rss_at_rest / MB), f(r.rss_after_gc / MB), f(r.heap_after_gc / MB)]),
  );
  const pg = rows.find((r) => r.server.includes("postgres"))!;
  const lite = rows.find((r) => r.server.includes("pglite"))!;
  const bare = rows[0]!;
  console.log(`\n  PGlite adds ${f((lite.rss_at_rest - pg.rss_at_rest) / MB)} MB over PostgreSQL; PostgreSQL is ${f(pg.rss_at_rest / bare.rss_at_rest, 1)}× the bare server\n\nTargets:`);
  const verdicts = [verdict(`idle RSS ≤ ${TARGET_MB} MB on PostgreSQL`, pg.rss_at_rest <= TARGET_MB * MB, `${f(pg.rss_at_rest / MB)} MB`)];
  saveResults("memory", { machine: m, idle_seconds: IDLE_SECONDS, rows, verdicts });
  if (process.env.BENCH_STRICT && verdicts.some((v) => v.pass === false)) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
