// bench:overload — bounded overload. For REST publishes (PUT /projects/{id} → project.updated) and for agent
// ingest (agent:event), first the sustainable rate (closed loop, BENCH_IN_FLIGHT outstanding), then 3× that
// rate offered open loop: the accepted publishes' p99 must stay ≤ 1 s, the rest refused quickly with 503
// OVERLOADED (REST: Retry-After header; sockets: error ack with details.retry_after_ms), every accepted
// event delivered in order to the subscribers, and the server healthy afterwards.
// Knobs: BENCH_DB (postgres|pglite) BENCH_SECONDS (15) BENCH_STEP_SECONDS (8) BENCH_IN_FLIGHT (32)
// BENCH_OVERLOAD_FACTOR (3) BENCH_SUBSCRIBERS (10) BENCH_CONNECTIONS (1024: the REST generator's keep-alive pool,
// like a proxy's upstream pool; opened before the 3× phase — Node accepts one new connection per event-loop
// turn, so a saturated server takes new connections at a few hundred per second, see bench/RESULTS.md).
import { loadavg } from "node:os";
import { Clients, Publisher, benchDatabase, dbChoice, f, log, machine, num, pct, saveResults, sleep, startReal, table, verdict, within, type Target } from "./support/harness";
import { realRoom } from "./support/fanout-core";
import { connectAgent, realAgent, runAgent } from "./support/agent-load";

type Row = {
  path: string;
  phase: string;
  offered_per_s: number | null;
  accepted: number;
  accepted_per_s: number;
  accepted_ms: { p50: number; p99: number; max: number };
  refused: number;
  refused_ms: { p50: number; p99: number };
  retry_after: number;
  failed: number;
  skipped: number;
  loss: number;
  out_of_order: number;
  errors: string[];
  /** The server's CPU (% of one core) and event-loop delay p99 during the phase; the load generator's CPU. */
  server_cpu_pct: number;
  server_lag_p99_ms: number;
  generator_cpu_pct: number;
};

async function drain(clients: Clients, expected: number) {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { received } = await clients.received();
    if (received >= expected) return;
    if (received !== last) {
      last = received;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > 3000) return;
    await sleep(100);
  }
}

function line(r: Row) {
  log(
    `  ${r.path} ${r.phase}${r.offered_per_s ? ` @${r.offered_per_s}/s` : ""}: ${r.accepted} accepted (${f(r.accepted_per_s, 0)}/s, p50 ${f(r.accepted_ms.p50, 1)} ms, p99 ${f(r.accepted_ms.p99, 1)} ms), ` +
      `${r.refused} refused (p99 ${f(r.refused_ms.p99, 1)} ms, ${r.retry_after} with retry-after), ${r.failed} failed, ${r.skipped} skipped, loss ${r.loss}, out of order ${r.out_of_order}` +
      `; server CPU ${f(r.server_cpu_pct, 0)}%, loop delay p99 ${f(r.server_lag_p99_ms, 0)} ms; generator CPU ${f(r.generator_cpu_pct, 0)}%` +
      (r.errors.length ? `, errors: ${r.errors.join(" | ")}` : ""),
  );
}

async function healthy(target: Target): Promise<boolean> {
  const t = performance.now();
  const res = await fetch(`${target.url}/api/health`).catch(() => null);
  return !!res && res.status === 200 && performance.now() - t < 2000;
}

async function main() {
  const seconds = num("BENCH_SECONDS", 15);
  const stepSeconds = num("BENCH_STEP_SECONDS", 8);
  const inFlight = num("BENCH_IN_FLIGHT", 32);
  const factor = num("BENCH_OVERLOAD_FACTOR", 3);
  const n = num("BENCH_SUBSCRIBERS", 10);
  const db = dbChoice();
  log(`overload: ${factor}× the sustainable rate for ${seconds} s, DB ${db}; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const database = await benchDatabase();
  const targets: Target[] = [];
  const pub = new Publisher();
  const rows: Row[] = [];
  const verdicts: ReturnType<typeof verdict>[] = [];
  try {
    const real = await startReal("overload-real", { databaseUrl: database.url });
    targets.push(real);

    // ---------------------------------------------------------------- REST
    const room = await realRoom(real);
    const restClients = await Clients.open(n, 1);
    await restClients.connect(n, { mode: "real", urls: [real.url], token: room.owner.token, projectId: room.projectId, room: room.room, eventType: "project.updated", concurrency: 10 });
    const rest = async (phase: string, rate: number | null, secs: number): Promise<Row> => {
      await restClients.reset();
      await real.stats(); // resets the server's counters (and starts its CPU profile with BENCH_CPU_PROF=1)
      const r = await within(
        pub.run({
          mode: "real",
          urls: [real.url],
          token: room.owner.token,
          projectId: room.projectId,
          room: room.room,
          rate: rate ?? 1e9,
          seconds: rate ? secs : 1e6,
          maxInFlight: rate ? 5000 : inFlight,
          pad: room.pad,
          closedLoop: rate === null,
          stopAfterMs: secs * 1000,
          // the generator's pool of keep-alive connections is open before the overload starts (see publisher.ts)
          warmConnections: rate ? num("BENCH_CONNECTIONS", 1024) : undefined,
        }),
        (secs + 180) * 1000,
        "publishing",
      );
      // The load generators count the measured room's events only (bench/support: the owner's user:<id> copy is not counted).
      const st = await real.stats();
      await drain(restClients, r.ok * n);
      const rep = await restClients.report();
      const row: Row = {
        path: "REST PUT",
        phase,
        offered_per_s: rate,
        accepted: r.ok,
        accepted_per_s: r.ok / (r.wallMs / 1000),
        accepted_ms: { p50: pct(r.okHistogram, 50), p99: pct(r.okHistogram, 99), max: r.okHistogram.totalCount ? r.okHistogram.maxValue / 1000 : NaN },
        refused: r.refused,
        refused_ms: { p50: pct(r.refusedHistogram, 50), p99: pct(r.refusedHistogram, 99) },
        retry_after: r.refusedWithRetryAfter,
        failed: r.failed,
        skipped: r.skipped,
        loss: r.ok * n - rep.received,
        out_of_order: rep.outOfOrder,
        errors: r.errors,
        server_cpu_pct: (st.cpu_ms / Math.max(st.wall_ms, 1)) * 100,
        server_lag_p99_ms: st.lag_ms.p99,
        generator_cpu_pct: (r.cpuMs / Math.max(r.wallMs, 1)) * 100,
      };
      line(row);
      return row;
    };
    log("REST: warm-up, then the sustainable rate (closed loop)");
    await rest("warm-up", null, 3);
    const restSustained = await rest("sustainable", null, stepSeconds);
    const restRate = Math.max(1, Math.round(restSustained.accepted_per_s * factor));
    const restOver = await rest(`${factor}×`, restRate, seconds);
    rows.push(restSustained, restOver);
    await restClients.close();
    const restHealthy = await healthy(real);

    // ---------------------------------------------------------------- agent:event
    const agent = await realAgent(real);
    const agentClients = await Clients.open(n, 1);
    await agentClients.connect(n, { mode: "real", urls: [real.url], token: agent.ownerToken, projectId: agent.projectId, room: agent.room, eventType: "agent:thought", concurrency: 10 });
    const socket = await connectAgent(agent);
    const ingest = async (phase: string, rate: number | null, secs: number): Promise<Row> => {
      await agentClients.reset();
      await real.stats();
      const r = await within(runAgent(socket, agent, { seconds: secs, inFlight: rate ? 20_000 : inFlight, rate: rate ?? undefined }), (secs + 180) * 1000, "sending");
      const st = await real.stats();
      await drain(agentClients, r.acked * n);
      const rep = await agentClients.report();
      const row: Row = {
        path: "agent:event",
        phase,
        offered_per_s: rate,
        accepted: r.acked,
        accepted_per_s: r.acked / (r.wallMs / 1000),
        accepted_ms: { p50: pct(r.ok, 50), p99: pct(r.ok, 99), max: r.ok.totalCount ? r.ok.maxValue / 1000 : NaN },
        refused: r.refused,
        refused_ms: { p50: pct(r.refusedHist, 50), p99: pct(r.refusedHist, 99) },
        retry_after: r.retryAfterSeen ? r.refused : 0,
        failed: r.failed,
        skipped: r.skipped,
        loss: r.acked * n - rep.received,
        out_of_order: rep.outOfOrder + (r.idsIncreasing ? 0 : 1),
        errors: r.errors,
        server_cpu_pct: (st.cpu_ms / Math.max(st.wall_ms, 1)) * 100,
        server_lag_p99_ms: st.lag_ms.p99,
        generator_cpu_pct: (r.cpuMs / Math.max(r.wallMs, 1)) * 100,
      };
      line(row);
      return row;
    };
    log("agent:event: warm-up, then the sustainable rate (closed loop)");
    await ingest("warm-up", null, 3);
    const agentSustained = await ingest("sustainable", null, stepSeconds);
    const agentRate = Math.max(1, Math.round(agentSustained.accepted_per_s * factor));
    const agentOver = await ingest(`${factor}×`, agentRate, seconds);
    rows.push(agentSustained, agentOver);
    socket.disconnect();
    await agentClients.close();
    const agentHealthy = await healthy(real);

    console.log(`\nOverload (DB ${db}; accepted/refused latency = request → answer)\n`);
    table(
      ["run", "offered/s", "accepted/s", "acc p50 ms", "acc p99 ms", "refused", "ref p99 ms", "Retry-After", "failed", "loss", "out of order"],
      rows.map((r) => [`${r.path} ${r.phase}`, r.offered_per_s ?? "closed", f(r.accepted_per_s, 0), f(r.accepted_ms.p50, 1), f(r.accepted_ms.p99, 1), r.refused, f(r.refused_ms.p99, 1), r.retry_after, r.failed, r.loss, r.out_of_order]),
    );
    console.log("\nTargets:");
    for (const [r, ok] of [
      [restOver, restHealthy],
      [agentOver, agentHealthy],
    ] as const) {
      verdicts.push(verdict(`${r.path} at ${factor}×: accepted p99 ≤ 1 s`, r.accepted_ms.p99 <= 1000, `${f(r.accepted_ms.p99, 1)} ms (${r.accepted} accepted, ${r.refused} refused)`));
      verdicts.push(verdict(`${r.path} at ${factor}×: refusals quick (p99 ≤ 250 ms) with Retry-After`, r.refused === 0 ? null : r.refused_ms.p99 <= 250 && r.retry_after === r.refused, `${r.refused} refused, p99 ${f(r.refused_ms.p99, 1)} ms, ${r.retry_after} with retry-after`));
      verdicts.push(verdict(`${r.path} at ${factor}×: no other failures, nothing lost, in order`, r.failed === 0 && r.loss === 0 && r.out_of_order === 0, `failed ${r.failed}, loss ${r.loss}, out of order ${r.out_of_order}`));
      verdicts.push(verdict(`${r.path}: healthy afterwards`, ok, ok ? "GET /api/health 200" : "no 200 from /api/health within 2 s"));
    }
    saveResults(`overload-${db}`, { machine: machine(), seconds, factor, in_flight: inFlight, rows, verdicts });
  } finally {
    pub.close();
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
