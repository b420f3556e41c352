// Summarise a .cpuprofile (BENCH_CPU_PROF=1) by component: each sample goes to the innermost frame that
// belongs to a known library (else to Node's own code). Usage: node bench/profile-summary.mjs <file>
import process from "node:process";
import console from "node:console";
import { readFileSync } from "node:fs";

const p = JSON.parse(readFileSync(process.argv[2], "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const time = new Map();
for (let i = 0; i < p.samples.length; i++) time.set(p.samples[i], (time.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));

const libs = [
  ["idle", (u, f) => f === "(idle)"],
  ["garbage collector", (u, f) => f === "(garbage collector)"],
  ["bench hook (profiler start-up artefact)", (u) => u.includes("stats-hook.mjs")],
  ["socket.io / engine.io / ws", (u) => /node_modules\/(socket\.io|engine\.io|ws|socket\.io-adapter|socket\.io-parser|@socket\.io)\//.test(u)],
  ["Prisma client (query compiler/interpreter)", (u) => /@prisma\/client|wasm:/.test(u)],
  ["pg driver", (u) => /node_modules\/(pg|pg-pool|pg-protocol|@prisma\/adapter-pg)\//.test(u)],
  ["jose (JWT)", (u) => /node_modules\/jose\//.test(u)],
  ["zod", (u) => /node_modules\/zod\//.test(u)],
  ["prom-client", (u) => /prom-client/.test(u)],
  ["rate-limiter-flexible", (u) => /rate-limiter-flexible/.test(u)],
  ["app code (route handlers, lib/)", (u) => /\.next\/server\/chunks\/(?!\[turbopack\])|\/lib\/[^/]+\.ts/.test(u)],
  ["Next.js server", (u) => /node_modules\/next\/|\.next\//.test(u)],
];
const nodeOwn = [["Node http / streams / fetch", (u) => /node:(_http|http|internal\/(streams|webstreams|deps\/undici|http))/.test(u)]];

const totals = new Map();
let all = 0;
for (const [id, t] of time) {
  all += t;
  let cat = null;
  for (const set of [libs, nodeOwn]) {
    for (let cur = id; cur !== undefined && !cat; cur = parent.get(cur)) {
      const { url, functionName } = byId.get(cur).callFrame;
      cat = set.find(([, fn]) => fn(url, functionName))?.[0] ?? null;
    }
    if (cat) break;
  }
  cat ??= "other (Node internals, natives)";
  totals.set(cat, (totals.get(cat) ?? 0) + t);
}
const busy = all - (totals.get("idle") ?? 0);
console.log(`${(all / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy`);
for (const [c, t] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(`${((100 * t) / all).toFixed(1).padStart(5)}% of wall ${c === "idle" ? "            " : `${((100 * t) / busy).toFixed(1).padStart(5)}% of busy`}  ${c}`);
}
