// bench:ingest — agent ingest: one agent socket sends `agent:thought` through `agent:event` with 32 in flight
// (closed loop), 10 subscribers in the project room; the production server against bench/bare-server.ts
// relaying agent:event to the room with an ack (Socket.IO alone), in the same run. Then each side again at
// half the real server's rate (open loop), for the ack latency at that load.
// Prints events/s, ack p50/p99, the ratio and PASS/FAIL: ≥ 0.5× bare on PostgreSQL (≥ 0.25× on PGlite),
// ack p50 ≤ 10 ms at half load, nothing lost (every subscriber got every acked event), ids increasing.
// Knobs: BENCH_DB (postgres|pglite) BENCH_SECONDS (15) BENCH_IN_FLIGHT (32) BENCH_SUBSCRIBERS (10)
// BENCH_WARMUP_SECONDS (3) BENCH_OPEN_RATE (the open-loop rate; default half the real server's closed-loop rate:
// a fixed rate compares the CPU per event of two builds at the same load on a busy machine).
import { Clients, benchDatabase, cpuSince, cpuSnapshot, dbChoice, f, log, machine, num, pct, saveResults, sleep, startBare, startReal, table, verdict, within, type Target } from "./support/harness";
import { connectAgent, realAgent, runAgent, type AgentRun, type AgentSetup } from "./support/agent-load";

type Row = { label: string; mode: string; rate: number | null; events_per_s: number; ack_ms: { p50: number; p99: number; max: number }; acked: number; failed: number; skipped: number; expected: number; received: number; loss: number; out_of_order: number; ids_increasing: boolean; server_cpu: number; lag_p99_ms: number; machine_busy: number; postgres_cpu: number; sender_cpu: number; errors: string[] };

async function measure(label: string, side: AgentSetup, target: Target, clients: Clients, n: number, opts: { seconds: number; inFlight: number; rate?: number }): Promise<Row> {
  const socket = await connectAgent(side);
  try {
    await clients.reset();
    await target.stats();
    const cpu0 = cpuSnapshot();
    const r: AgentRun = await within(runAgent(socket, side, opts), (opts.seconds + 120) * 1000, "sending");
    // Drain: until every delivery arrived or nothing arrived for 3 s.
    const expected = r.acked * n;
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const { received } = await clients.received();
      if (received >= expected) break;
      if (received !== last) {
        last = received;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange > 3000) break;
      await sleep(100);
    }
    const srv = await target.stats();
    const cpu = cpuSince(cpu0);
    const rep = await clients.report();
    const row: Row = {
      label,
      mode: side.mode,
      rate: opts.rate ?? null,
      events_per_s: r.acked / (r.wallMs / 1000),
      ack_ms: { p50: pct(r.ok, 50), p99: pct(r.ok, 99), max: r.ok.totalCount ? r.ok.maxValue / 1000 : NaN },
      acked: r.acked,
      failed: r.failed + r.refused,
      skipped: r.skipped,
      expected,
      received: rep.received,
      loss: expected - rep.received,
      out_of_order: rep.outOfOrder,
      ids_increasing: r.idsIncreasing,
      server_cpu: srv.cpu_ms / srv.wall_ms,
      lag_p99_ms: srv.lag_ms.p99,
      machine_busy: cpu.machine_busy,
      postgres_cpu: cpu.postgres_pct / 100,
      sender_cpu: r.cpuMs / r.wallMs,
      errors: r.errors,
    };
    log(
      `  ${label}: ${f(row.events_per_s, 0)} events/s, ack p50 ${f(row.ack_ms.p50, 2)} ms p99 ${f(row.ack_ms.p99, 2)} ms, ` +
        `${row.acked} acked (${row.failed} refused/failed, ${row.skipped} skipped), loss ${row.loss}, out of order ${row.out_of_order}, ` +
        `server CPU ${Math.round(row.server_cpu * 100)}%, PostgreSQL ${Math.round(row.postgres_cpu * 100)}%, agent's process ${Math.round(row.sender_cpu * 100)}%, machine ${Math.round(row.machine_busy * 100)}% busy, lag p99 ${f(row.lag_p99_ms, 1)} ms${row.errors.length ? `, errors: ${row.errors.join(" | ")}` : ""}`,
    );
    return row;
  } finally {
    socket.disconnect();
  }
}

async function main() {
  const seconds = num("BENCH_SECONDS", 15);
  const inFlight = num("BENCH_IN_FLIGHT", 32);
  const n = num("BENCH_SUBSCRIBERS", 10);
  const warmup = num("BENCH_WARMUP_SECONDS", 3);
  const db = dbChoice();
  log(`agent ingest: ${inFlight} in flight, ${n} subscribers, ${seconds} s per measurement, DB ${db}; load average ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const database = await benchDatabase();
  const targets: Target[] = [];
  const rows: Row[] = [];
  const verdicts: ReturnType<typeof verdict>[] = [];
  try {
    const bare = await startBare();
    targets.push(bare);
    const real = await startReal("ingest-real", { databaseUrl: database.url });
    targets.push(real);
    log(`bare ${bare.url}, real ${real.url}`);
    const realSide = await realAgent(real);
    const bareSide: AgentSetup = { mode: "bare", url: bare.url, workflowId: realSide.workflowId, projectId: realSide.projectId, room: realSide.room };

    const bareClients = await Clients.open(n, 1);
    const realClients = await Clients.open(n, 1);
    await bareClients.connect(n, { mode: "bare", urls: [bare.url], room: realSide.room, eventType: "agent:thought", concurrency: 10 });
    const rc = await realClients.connect(n, { mode: "real", urls: [real.url], token: realSide.ownerToken, projectId: realSide.projectId, room: realSide.room, eventType: "agent:thought", concurrency: 10 });
    if (rc.failed) throw new Error(`subscribers: ${rc.errors.join(", ")}`);

    log(`warm-up (${warmup} s each, not judged)`);
    await measure("bare warm-up", bareSide, bare, bareClients, n, { seconds: warmup, inFlight });
    await measure("real warm-up", realSide, real, realClients, n, { seconds: warmup, inFlight });

    log(`closed loop, ${inFlight} in flight`);
    const b = await measure("bare", bareSide, bare, bareClients, n, { seconds, inFlight });
    const r = await measure("real", realSide, real, realClients, n, { seconds, inFlight });
    rows.push(b, r);
    const half = num("BENCH_OPEN_RATE", 0) || Math.max(1, Math.round(r.events_per_s / 2));
    log(`open loop at half the real server's rate: ${half}/s`);
    const bh = await measure(`bare @${half}/s`, bareSide, bare, bareClients, n, { seconds, inFlight: 1000, rate: half });
    const rh = await measure(`real @${half}/s`, realSide, real, realClients, n, { seconds, inFlight: 1000, rate: half });
    rows.push(bh, rh);
    await Promise.all([bareClients.close(), realClients.close()]);

    console.log(`\nAgent ingest (DB ${db}; ack = agent:event emit → ack; loss = acked × subscribers − received)\n`);
    table(
      ["run", "events/s", "ack p50 ms", "ack p99 ms", "acked", "loss", "out of order", "srv CPU", "PostgreSQL CPU", "machine busy", "lag p99 ms"],
      rows.map((x) => [x.label, f(x.events_per_s, 0), f(x.ack_ms.p50, 2), f(x.ack_ms.p99, 2), x.acked, x.loss, x.out_of_order, `${Math.round(x.server_cpu * 100)}%`, `${Math.round(x.postgres_cpu * 100)}%`, `${Math.round(x.machine_busy * 100)}%`, f(x.lag_p99_ms, 1)]),
    );
    const ratio = r.events_per_s / b.events_per_s;
    const want = db === "pglite" ? 0.25 : 0.5;
    console.log("\nTargets:");
    verdicts.push(verdict(`events/s ≥ ${want}× bare (${db})`, ratio >= want, `${f(r.events_per_s, 0)} vs ${f(b.events_per_s, 0)} = ${f(ratio, 2)}×`));
    verdicts.push(verdict("ack p50 ≤ 10 ms at half load", rh.ack_ms.p50 <= 10, `${f(rh.ack_ms.p50, 2)} ms at ${half}/s (bare ${f(bh.ack_ms.p50, 2)} ms)`));
    verdicts.push(verdict("nothing lost", r.loss === 0 && rh.loss === 0 && r.failed === 0 && rh.failed === 0, `loss ${r.loss} + ${rh.loss}, failed ${r.failed} + ${rh.failed}`));
    verdicts.push(verdict("ids increasing per room", r.out_of_order === 0 && rh.out_of_order === 0 && r.ids_increasing && rh.ids_increasing, `out of order at subscribers ${r.out_of_order + rh.out_of_order}; acked ids increasing ${r.ids_increasing && rh.ids_increasing}`));
    saveResults(`ingest-${db}`, { machine: machine(), seconds, in_flight: inFlight, subscribers: n, rows, ratio, verdicts });
  } finally {
    for (const t of targets) await t.stop().catch(() => {});
    await database.drop().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
