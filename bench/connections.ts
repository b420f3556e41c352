// bench:connections — as many idle authenticated websocket connections, each in one project room, as one
// process may hold (BENCH_CONNECTIONS, default 5,000 then 19,000: a comma-separated list of sizes; the
// open-file limit here is 20,000 per process).
// For the bare server and then the production server: memory after GC before and after connecting →
// RSS and heap per connection (and the ratio to the bare server); then BENCH_CONN_EVENTS events (default 3)
// must reach every connection.
import { Clients, Publisher, benchDatabase, dbChoice, f, kb, list, log, machine, num, saveResults, sleep, startBare, startReal, table, verdict, within, type Target } from "./support/harness";
import { phase, phaseLine, realRoom, padFor, type PhaseResult, type Side } from "./support/fanout-core";

type Row = {
  mode: "bare" | "real";
  connections: number;
  failed: number;
  errors: string[];
  connect_s: number;
  server_cpu_ms_per_connect: number;
  baseline: { rss: number; heap_used: number };
  loaded: { rss: number; heap_used: number };
  rss_per_conn: number;
  heap_per_conn: number;
  delivery: PhaseResult;
};

async function measure(target: Target, mode: "bare" | "real", total: number, procs: number, pub: Publisher, room: Awaited<ReturnType<typeof realRoom>>): Promise<Row> {
  const connectOpts = {
    mode,
    urls: [target.url],
    room: room.room,
    eventType: "project.updated",
    concurrency: num("BENCH_CONNECT_CONCURRENCY", 50),
    ...(mode === "real" ? { token: room.subscriber.token, projectId: room.projectId } : {}),
  };
  // Warm-up: load every code path a connection uses before the baseline is read.
  const warm = await Clients.open(100, 1);
  await warm.connect(100, connectOpts);
  await warm.close();
  await sleep(2000);
  const baseline = await target.memAfterGc();
  log(`  ${mode}: baseline after GC rss ${f(baseline.rss / 2 ** 20)} MiB heap ${f(baseline.heap_used / 2 ** 20)} MiB`);
  const clients = await Clients.open(total, procs);
  await target.stats();
  const c = await within(clients.connect(total, connectOpts), num("BENCH_CONNECT_TIMEOUT_SECONDS", 900) * 1000, "connecting");
  const during = await target.stats();
  const cpuPerConn = during.cpu_ms / Math.max(1, c.connected);
  log(
    `  ${mode}: ${c.connected} connected${mode === "real" ? " + subscribed" : ""} in ${c.seconds.toFixed(1)} s (${f(c.connected / c.seconds, 0)}/s), ` +
      `server CPU ${f((100 * during.cpu_ms) / during.wall_ms, 0)}% = ${f(cpuPerConn, 2)} ms per connection${c.failed ? `, ${c.failed} failed: ${c.errors.join(", ")}` : ""}`,
  );
  await sleep(num("BENCH_IDLE_SECONDS", 5) * 1000);
  const loaded = await target.memAfterGc();
  const rssPer = (loaded.rss - baseline.rss) / c.connected;
  const heapPer = (loaded.heap_used - baseline.heap_used) / c.connected;
  log(`  ${mode}: after GC rss ${f(loaded.rss / 2 ** 20)} MiB heap ${f(loaded.heap_used / 2 ** 20)} MiB → ${f(kb(rssPer), 2)} KB RSS, ${f(kb(heapPer), 2)} KB heap per connection`);
  const side: Side =
    mode === "bare"
      ? { label: "bare", mode, targets: [target], clients, n: c.connected, room: room.room, template: room.template, pad: padFor(room.template) }
      : { label: "real", mode, targets: [target], clients, n: c.connected, room: room.room, token: room.owner.token, projectId: room.projectId, template: {}, pad: room.pad };
  const events = num("BENCH_CONN_EVENTS", 3);
  const delivery = await phase(side, pub, 1, events);
  phaseLine(delivery);
  await clients.close();
  return { mode, connections: c.connected, failed: c.failed, errors: c.errors, connect_s: c.seconds, server_cpu_ms_per_connect: cpuPerConn, baseline, loaded, rss_per_conn: rssPer, heap_per_conn: heapPer, delivery };
}

const rate = (x: Row) => x.connections / Math.max(0.001, x.connect_s);

async function main() {
  const sizes = list("BENCH_CONNECTIONS", [5000, 19000]);
  const procs = num("BENCH_CLIENT_PROCS", 4);
  log(`connections: ${sizes.join(" then ")} idle connections per server, DB ${dbChoice()}, ${procs}+ client processes`);
  const db = await benchDatabase();
  const pub = new Publisher();
  const rows: Row[] = [];
  // A fresh pair of servers per size (memory per connection is read from each one's own baseline).
  try {
    for (const total of sizes) {
      let bare: Target | undefined;
      let real: Target | undefined;
      try {
        real = await startReal(`real-connections-${total}`, { databaseUrl: db.url });
        const room = await realRoom(real);
        bare = await startBare(`bare-connections-${total}`);
        rows.push(await measure(bare, "bare", total, procs, pub, room));
        await bare.stop();
        bare = undefined;
        rows.push(await measure(real, "real", total, procs, pub, room));
      } finally {
        await bare?.stop().catch(() => {});
        await real?.stop().catch(() => {});
      }
    }
  } finally {
    pub.close();
    await db.drop().catch(() => {});
  }
  console.log(`\nIdle connections (memory after full GC; per connection = (loaded − baseline) / connections)\n`);
  table(
    ["server", "connections", "connect s", "connects/s", "CPU ms/connect", "RSS MiB", "heap MiB", "RSS/conn KB", "heap/conn KB", "events lost"],
    rows.map((x) => [x.mode, x.connections, f(x.connect_s), f(rate(x), 0), f(x.server_cpu_ms_per_connect, 2), f(x.loaded.rss / 2 ** 20), f(x.loaded.heap_used / 2 ** 20), f(kb(x.rss_per_conn), 2), f(kb(x.heap_per_conn), 2), x.delivery.loss]),
  );
  console.log("\nTargets:");
  const verdicts: ReturnType<typeof verdict>[] = [];
  for (let i = 0; i + 1 < rows.length; i += 2) {
    const b = rows[i]!;
    const r = rows[i + 1]!;
    const total = sizes[i / 2]!;
    console.log(`  ${total}: ratio real/bare: connect rate ${f(rate(r) / rate(b), 2)}×, RSS ${f(r.rss_per_conn / b.rss_per_conn, 2)}×, heap ${f(r.heap_per_conn / b.heap_per_conn, 2)}× per connection`);
    verdicts.push(
      verdict(`${total}: real holds ${total} connections`, r.connections === total, `${r.connections} (${r.failed} failed)`),
      // Issue #11 part 4's targets.
      verdict(`${total}: connect rate ≥ 0.6× bare`, rate(r) >= 0.6 * rate(b), `${f(rate(r), 0)}/s vs ${f(rate(b), 0)}/s = ${f(rate(r) / rate(b), 2)}×`),
      verdict(`${total}: heap per connection ≤ 1.15× bare`, r.heap_per_conn <= 1.15 * b.heap_per_conn, `${f(kb(r.heap_per_conn), 2)} KB vs ${f(kb(b.heap_per_conn), 2)} KB = ${f(r.heap_per_conn / b.heap_per_conn, 2)}×`),
      verdict(`${total}: RSS per connection ≤ 1.25× bare`, r.rss_per_conn <= 1.25 * b.rss_per_conn, `${f(kb(r.rss_per_conn), 2)} KB vs ${f(kb(b.rss_per_conn), 2)} KB = ${f(r.rss_per_conn / b.rss_per_conn, 2)}×`),
      verdict(`${total}: events delivered to all`, r.delivery.loss === 0 && r.delivery.published > 0, `${r.delivery.received} of ${r.delivery.expected}`),
    );
  }
  saveResults("connections", { machine: machine(), sizes, rows, verdicts });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
