// Load generator: a forked process publishing at a fixed rate (open loop, at most maxInFlight requests
// in flight; a tick that finds them all busy is skipped and counted). Real server: PUT /api/v1/projects/{id}
// with a new description → one `project.updated` event in `project:<id>`. Bare: POST /publish with the
// same data. data.description starts with "t=<wall-clock ms>;" — the subscribers' latency reference.
import * as hdr from "hdr-histogram-js";
import { Agent, fetch } from "undici";
import type { PublishJob, PublishReport } from "./protocol";

// Connections per server, like a reverse proxy's upstream keep-alive pool or a fleet of clients that each
// reuse theirs: a request that finds them all busy waits here (its latency counts from when it was due).
// Unbounded, an open loop against a saturated server opens thousands of new connections, and Node accepts
// one connection per event-loop turn (libuv ≥ 1.45), so they would wait in the accept queue for seconds.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1024);
const dispatcher = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 60_000 });

const wall = () => performance.timeOrigin + performance.now();

async function run(job: PublishJob): Promise<PublishReport> {
  const build = () => hdr.build({ useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  const hist = build();
  const histOk = build();
  const histRefused = build();
  let refused = 0;
  let refusedWithRetryAfter = 0;
  if (job.warmConnections) {
    const health = job.mode === "real" ? "/api/health" : "/";
    await Promise.all(job.urls.flatMap((url) => Array.from({ length: job.warmConnections! }, () => fetch(`${url}${health}`, { dispatcher }).then((r) => r.text(), () => ""))));
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const total = job.limit ?? Math.round(job.rate * job.seconds);
  const pad = "x".repeat(job.pad);
  let attempted = 0;
  let ok = 0;
  let failed = 0;
  let skipped = 0;
  let inFlight = 0;
  let seq = 0;
  let lastId: string | null = null;
  const errors = new Set<string>();
  const one = async () => {
    const i = seq++;
    const url = job.urls[i % job.urls.length]!;
    const started = wall();
    // a counter keeps every description different (an unchanged project publishes nothing)
    const description = `t=${started.toFixed(3)};${i};${pad}`;
    inFlight++;
    attempted++;
    try {
      const res =
        job.mode === "real"
          ? await fetch(`${url}/api/v1/projects/${job.projectId}`, {
              method: "PUT",
              headers: { authorization: `Bearer ${job.token}`, "content-type": "application/json" },
              body: JSON.stringify({ description }),
              dispatcher,
            })
          : await fetch(`${url}/publish`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ room: job.room, type: "project.updated", data: { ...job.template, description, updated_at: new Date().toISOString() } }),
              dispatcher,
            });
      const text = await res.text();
      const us = Math.max(1, Math.round((wall() - started) * 1000));
      if (res.ok) {
        ok++;
        histOk.recordValue(us);
        if (job.mode === "bare") lastId = (JSON.parse(text) as { id: string }).id;
      } else if ((res.status === 503 && text.includes('"OVERLOADED"')) || res.status === 429) {
        refused++;
        histRefused.recordValue(us);
        if (res.headers.get("retry-after")) refusedWithRetryAfter++;
      } else {
        failed++;
        errors.add(`${res.status} ${text.slice(0, 120)}`);
      }
    } catch (e) {
      failed++;
      errors.add((e as Error).message);
    } finally {
      inFlight--;
      hist.recordValue(Math.max(1, Math.round((wall() - started) * 1000)));
    }
  };
  const pending = new Set<Promise<void>>();
  let due = 0;
  if (job.closedLoop) {
    const stopAt = job.stopAfterMs === undefined ? Infinity : t0 + job.stopAfterMs;
    const lane = async () => {
      while (seq < total && performance.now() < stopAt) await one();
    };
    await Promise.all(Array.from({ length: job.maxInFlight }, lane));
  }
  while (!job.closedLoop && due < total) {
    const shouldHave = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * job.rate) + 1);
    while (due < shouldHave) {
      due++;
      if (inFlight >= job.maxInFlight) {
        skipped++;
        continue;
      }
      const p = one();
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    if (due >= total) break;
    const nextAt = t0 + (due / job.rate) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(50, nextAt - performance.now()))));
  }
  await Promise.all(pending);
  const used = process.cpuUsage(cpu0);
  return {
    t: "done",
    started: performance.timeOrigin + t0,
    attempted,
    ok,
    failed,
    skipped,
    errors: [...errors].slice(0, 5),
    hist: hdr.encodeIntoCompressedBase64(hist),
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - t0,
    lastId,
    histOk: hdr.encodeIntoCompressedBase64(histOk),
    refused,
    histRefused: hdr.encodeIntoCompressedBase64(histRefused),
    refusedWithRetryAfter,
  };
}

process.on("message", (job: PublishJob) => {
  void run(job).then((r) => process.send!(r));
});
process.on("disconnect", () => process.exit(0));
