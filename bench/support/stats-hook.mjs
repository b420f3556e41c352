// Preloaded into a benchmarked server (NODE_OPTIONS="--expose-gc --import=<this file>"); never part of
// production. It measures the process from inside without changing the server's code:
//   SIGUSR2 → one line `BENCHSTATS {json}` on stderr: event-loop delay percentiles and CPU since the
//             previous SIGUSR2 (then reset), memory now.
//   SIGURG  → full GC (twice, needs --expose-gc), then `BENCHMEM {json}`: memory after GC.
// With BENCH_CPU_PROFILE=<file> it also records a V8 CPU profile (inspector) from the first SIGUSR2 (the
// start of the first measurement: boot is left out) to exit (--cpu-prof is not allowed in NODE_OPTIONS).
import process from "node:process";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";

if (process.env.BENCH_CPU_PROFILE) {
  const file = process.env.BENCH_CPU_PROFILE;
  delete process.env.BENCH_CPU_PROFILE; // not for the server's own child processes
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  process.once("SIGUSR2", () => session.post("Profiler.start"));
  process.on("exit", () => {
    session.post("Profiler.stop", (err, res) => {
      if (!err) writeFileSync(file, JSON.stringify(res.profile));
    });
  });
}

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
let cpu = process.cpuUsage();
let since = performance.now();
const ms = (ns) => Math.round(ns / 1e4) / 100;

process.on("SIGUSR2", () => {
  const now = performance.now();
  const used = process.cpuUsage(cpu);
  const m = process.memoryUsage();
  const line = {
    wall_ms: Math.round(now - since),
    cpu_ms: Math.round((used.user + used.system) / 1000),
    lag_ms: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max), mean: ms(lag.mean) },
    rss: m.rss,
    heap_used: m.heapUsed,
  };
  lag.reset();
  cpu = process.cpuUsage();
  since = now;
  process.stderr.write(`BENCHSTATS ${JSON.stringify(line)}\n`);
});

process.on("SIGURG", () => {
  if (typeof globalThis.gc === "function") {
    globalThis.gc();
    globalThis.gc();
  }
  const m = process.memoryUsage();
  process.stderr.write(`BENCHMEM ${JSON.stringify({ gc: typeof globalThis.gc === "function", rss: m.rss, heap_used: m.heapUsed, heap_total: m.heapTotal, external: m.external, array_buffers: m.arrayBuffers })}\n`);
});
