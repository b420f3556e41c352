// bench:replay — a client misses BENCH_REPLAY_EVENTS (default 10,000) events of its project room, then
// reconnects with `subscribe {project_id, since}`: it must receive all of them, in order, before the ack;
// prints the time taken. The events are published over REST (PUT /api/v1/projects/{id}) by a forked
// publisher while the client is away.
import { io, type Socket } from "socket.io-client";
import { Publisher, benchDatabase, dbChoice, f, log, machine, num, saveResults, startReal, table, verdict, within, type Target } from "./support/harness";
import { realRoom } from "./support/fanout-core";

type Env = { id: string; data: { description: string } };

async function connect(url: string, token: string): Promise<Socket> {
  const s = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { token } });
  await new Promise<void>((resolve, reject) => {
    s.once("connect", () => resolve());
    s.once("connect_error", reject);
  });
  return s;
}

async function main() {
  const events = num("BENCH_REPLAY_EVENTS", 10000);
  const repeat = num("BENCH_REPEAT", 1);
  log(`replay: ${events} missed events, DB ${dbChoice()}`);
  const db = await benchDatabase();
  const pub = new Publisher();
  let real: Target | undefined;
  const runs: Record<string, any>[] = [];
  try {
    real = await startReal("real-replay", { databaseUrl: db.url });
    const room = await realRoom(real);
    for (let rep = 0; rep < repeat; rep++) {
      // 1. subscribe and see one event: its id is where the client was
      let s = await connect(real.url, room.owner.token);
      await s.emitWithAck("subscribe", { project_id: room.projectId });
      const first = new Promise<Env>((resolve) => s.once("project.updated", resolve));
      await pub.run({ mode: "real", urls: [real.url], token: room.owner.token, projectId: room.projectId, room: room.room, rate: 1, seconds: 1, maxInFlight: 1, pad: room.pad, limit: 1 });
      const since = (await within(first, 30_000, "first event")).id;
      s.disconnect();
      // 2. the client is away while events are published
      log(`  client away (last id ${since}); publishing ${events} events over REST`);
      const progress = setInterval(() => log(`  publishing…`), 15_000);
      const r = await within(
        pub.run({ mode: "real", urls: [real.url], token: room.owner.token, projectId: room.projectId, room: room.room, rate: 1e9, seconds: 1, maxInFlight: num("BENCH_MAX_IN_FLIGHT", 16), pad: room.pad, limit: events, closedLoop: true }),
        num("BENCH_PUBLISH_TIMEOUT_SECONDS", 1800) * 1000,
        "publishing",
      ).finally(() => clearInterval(progress));
      log(`  published ${r.ok} (${r.failed} failed) in ${f(r.wallMs / 1000)} s = ${f(r.ok / (r.wallMs / 1000), 0)}/s`);
      // 3. reconnect with since: all missed events, in order, before the ack
      await real.stats();
      const t0 = performance.now();
      s = await connect(real.url, room.owner.token);
      const tConnected = performance.now();
      const got: string[] = [];
      let firstAt = 0;
      s.on("project.updated", (e: Env) => {
        if (!got.length) firstAt = performance.now();
        got.push(e.id);
      });
      const ack = (await within(s.timeout(600_000).emitWithAck("subscribe", { project_id: room.projectId, since }), 600_000, "replay")) as { status: string; replayed: number };
      const tAck = performance.now();
      const srv = await real.stats();
      s.disconnect();
      let inOrder = true;
      for (let i = 1; i < got.length; i++) if (BigInt(got[i]!) <= BigInt(got[i - 1]!)) inOrder = false;
      const run = {
        events,
        published: r.ok,
        received: got.length,
        replayed_ack: ack.replayed,
        in_order: inOrder,
        all_before_ack: got.length === r.ok,
        connect_ms: tConnected - t0,
        first_event_ms: firstAt ? firstAt - tConnected : NaN,
        total_ms: tAck - t0,
        events_per_s: got.length / ((tAck - tConnected) / 1000),
        server_lag_ms: srv.lag_ms,
        server_cpu: srv.cpu_ms / srv.wall_ms,
        publish_per_s: r.ok / (r.wallMs / 1000),
      };
      log(`  replay: ${got.length} events (ack replayed ${ack.replayed}) in ${f(run.total_ms, 0)} ms, in order: ${inOrder}, server lag p99 ${srv.lag_ms.p99} ms max ${srv.lag_ms.max} ms`);
      runs.push(run);
    }
  } finally {
    pub.close();
    await real?.stop().catch(() => {});
    await db.drop().catch(() => {});
  }
  console.log(`\nReplay of missed events (reconnect → subscribe with since → ack)\n`);
  table(
    ["run", "missed", "received", "in order", "connect ms", "first event ms", "total ms", "events/s", "lag p99 ms", "lag max ms"],
    runs.map((x, i) => [`#${i + 1}`, x.published, x.received, String(x.in_order), f(x.connect_ms), f(x.first_event_ms), f(x.total_ms, 0), f(x.events_per_s, 0), f(x.server_lag_ms.p99), f(x.server_lag_ms.max)]),
  );
  console.log("\nTargets:");
  const verdicts = runs.flatMap((x, i) => [
    verdict(`#${i + 1} all ${x.published} missed events received`, x.received === x.published && x.replayed_ack === x.published, `${x.received} received, ack says ${x.replayed_ack}`),
    verdict(`#${i + 1} in order`, x.in_order, x.in_order ? "ids strictly increasing" : "out of order"),
  ]);
  saveResults("replay", { machine: machine(), runs, verdicts });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
