// One fan-out measurement ("phase"): reset counters, publish at a fixed rate for some seconds, wait for the
// deliveries to drain, then read the subscribers' histograms/CPU and the servers' event-loop lag/CPU.
import { cpus } from "node:os";
import { Clients, Publisher, Target, log, num, pct, sleep, wall, within, type ServerStats } from "./harness";
import type { Mode } from "./protocol";

export const PAYLOAD_BYTES = 300;

export type Side = {
  label: string;
  mode: Mode;
  targets: Target[];
  clients: Clients;
  n: number;
  room: string;
  token?: string;
  projectId?: string;
  template: Record<string, unknown>;
  pad: number;
};

export type PhaseResult = {
  label: string;
  mode: Mode;
  n: number;
  rate: number;
  seconds: number;
  published: number;
  failed: number;
  skipped: number;
  expected: number;
  received: number;
  loss: number;
  out_of_order: number;
  deliveries_per_s: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  publish_http_ms: { p50: number; p99: number };
  server: { cpu: number; lag_ms: ServerStats["lag_ms"]; rss_mb: number }[];
  clients_cpu: number[];
  publisher_cpu: number;
  client_bound: boolean;
  /** servers + load generators used ≥ 90 % of all cores: the machine, not one process, is the limit */
  machine_bound: boolean;
  drain_s: number;
  /** real server only: mean time inside publish() (room lock wait + INSERT + emit), from /api/metrics */
  publish_fn_ms: number | null;
  errors: string[];
};

/** Sum and count of switchboard_publish_to_emit_seconds over the targets (admin token). */
async function publishFnTotals(side: Side) {
  if (side.mode !== "real" || !side.token) return null;
  let sum = 0;
  let count = 0;
  for (const t of side.targets) {
    const res = await fetch(`${t.url}/api/metrics`, { headers: { authorization: `Bearer ${side.token}` } });
    const text = await res.text();
    sum += Number(/^switchboard_publish_to_emit_seconds_sum (\S+)$/m.exec(text)?.[1] ?? NaN);
    count += Number(/^switchboard_publish_to_emit_seconds_count (\S+)$/m.exec(text)?.[1] ?? NaN);
  }
  return { sum, count };
}

/** A project room in the real server, and the data shape of its project.updated events (≈ 300 bytes). */
export async function realRoom(target: Target) {
  const app = target.app!;
  const owner = await app.createUser("Bench owner");
  const project = await app.createProject(owner, { name: "Bench project", description: "" });
  // The subscribers are another member: the publisher's own user room gets a copy of each project.updated
  // (seed 004's rule), which subscribers signed in as the publisher would receive twice.
  const subscriber = await app.createUser("Bench subscriber");
  await app.addMember(owner, project.id, subscriber, "viewer");
  const { role: _role, ...view } = project as Record<string, unknown>;
  const template = { ...view, changes: { fields: ["description"] }, updated_by: owner.id };
  const pad = padFor(template);
  const data = { ...template, description: `t=${wall().toFixed(3)};100000;${"x".repeat(pad)}`, updated_at: new Date().toISOString() };
  const envelope = { id: "100000", type: "project.updated", timestamp: new Date().toISOString(), source: "project_service", room: `project:${project.id}`, trace_id: null, data };
  log(`  event data ≈ ${Buffer.byteLength(JSON.stringify(data))} bytes, whole envelope ≈ ${Buffer.byteLength(JSON.stringify(envelope))} bytes`);
  return { owner, subscriber, projectId: project.id, room: `project:${project.id}`, template, pad };
}

/** Padding so that JSON.stringify(data) is about PAYLOAD_BYTES bytes. */
export function padFor(template: Record<string, unknown>) {
  const sample = { ...template, description: `t=${wall().toFixed(3)};100000;`, updated_at: new Date().toISOString() };
  return Math.max(0, PAYLOAD_BYTES - Buffer.byteLength(JSON.stringify(sample)));
}

export async function phase(side: Side, pub: Publisher, rate: number, seconds: number): Promise<PhaseResult> {
  await side.clients.reset();
  const fn0 = await publishFnTotals(side);
  await Promise.all(side.targets.map((t) => t.stats()));
  const maxInFlight = num("BENCH_MAX_IN_FLIGHT", 64);
  const r = await within(
    pub.run({
      mode: side.mode,
      urls: side.targets.map((t) => t.url),
      token: side.token,
      projectId: side.projectId,
      room: side.room,
      rate,
      seconds,
      maxInFlight,
      pad: side.pad,
      template: side.template,
    }),
    (seconds + 120) * 1000,
    "publishing",
  );
  // Drain: until every delivery arrived, or nothing arrived for 3 s, or BENCH_DRAIN_SECONDS passed.
  const expected = r.ok * side.n;
  const drainStart = Date.now();
  const drainMax = num("BENCH_DRAIN_SECONDS", 30) * 1000;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { received } = await side.clients.received();
    if (received >= expected) break;
    if (received !== last) {
      last = received;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > 3000 || Date.now() - drainStart > drainMax) break;
    await sleep(100);
  }
  const drain = (Date.now() - drainStart) / 1000;
  const srv = await Promise.all(side.targets.map((t) => t.stats()));
  const rep = await side.clients.report();
  const fn1 = await publishFnTotals(side);
  // r·T events spaced 1/r apart take T seconds to publish; a backlog stretches the window past T
  const windowS = Math.max(seconds, rep.lastReceipt ? (rep.lastReceipt - r.started) / 1000 : 0);
  const pubCpu = r.cpuMs / r.wallMs;
  const clientBound = Math.max(...rep.cpu, pubCpu) >= 0.85;
  const totalCpu = srv.reduce((a, x) => a + x.cpu_ms / x.wall_ms, 0) + rep.cpu.reduce((a, b) => a + b, 0) + pubCpu;
  const machineBound = totalCpu >= 0.9 * cpus().length;
  return {
    label: side.label,
    mode: side.mode,
    n: side.n,
    rate,
    seconds,
    published: r.ok,
    failed: r.failed,
    skipped: r.skipped,
    expected,
    received: rep.received,
    loss: expected - rep.received,
    out_of_order: rep.outOfOrder,
    deliveries_per_s: windowS > 0 ? rep.received / windowS : 0,
    latency_ms: { p50: pct(rep.hist, 50), p90: pct(rep.hist, 90), p99: pct(rep.hist, 99), max: rep.hist.totalCount ? rep.hist.maxValue / 1000 : NaN },
    publish_http_ms: { p50: pct(r.histogram, 50), p99: pct(r.histogram, 99) },
    server: srv.map((s) => ({ cpu: s.cpu_ms / s.wall_ms, lag_ms: s.lag_ms, rss_mb: s.rss / 2 ** 20 })),
    clients_cpu: rep.cpu,
    publisher_cpu: pubCpu,
    client_bound: clientBound,
    machine_bound: machineBound,
    drain_s: drain,
    publish_fn_ms: fn0 && fn1 && fn1.count > fn0.count ? ((fn1.sum - fn0.sum) / (fn1.count - fn0.count)) * 1000 : null,
    errors: r.errors,
  };
}

export function phaseLine(p: PhaseResult) {
  const cpu = p.server.map((s) => `${Math.round(s.cpu * 100)}%`).join("+");
  log(
    `  ${p.label} N=${p.n} rate=${p.rate}/s: ${p.published} published (${p.skipped} skipped, ${p.failed} failed), ` +
      `${Math.round(p.deliveries_per_s).toLocaleString("en-US")} deliveries/s, loss ${p.loss}, p50 ${p.latency_ms.p50.toFixed(2)} ms, ` +
      `p99 ${p.latency_ms.p99.toFixed(2)} ms, server CPU ${cpu}, clients CPU ${p.clients_cpu.map((c) => Math.round(c * 100) + "%").join("/")}, ` +
      `publisher CPU ${Math.round(p.publisher_cpu * 100)}%, REST p50 ${p.publish_http_ms.p50.toFixed(1)} ms` +
      (p.publish_fn_ms !== null ? `, publish() mean ${p.publish_fn_ms.toFixed(1)} ms` : "") +
      (p.client_bound ? " [CLIENT-BOUND: a load generator used ≥ 85% of a core]" : "") +
      (p.machine_bound ? " [MACHINE-BOUND: all cores busy]" : ""),
  );
  if (p.errors.length) log(`    publish errors: ${p.errors.join(" | ")}`);
  if (p.out_of_order) log(`    ${p.out_of_order} deliveries arrived with an id not above the previous one on their socket`);
}

/**
 * A step passes when everything published arrived, nothing was skipped or refused, and the server kept up:
 * p99 ≤ BENCH_SEARCH_MAX_P99_MS (Socket.IO buffers without bound, so an overloaded server "loses" nothing,
 * it only falls further behind: its latency grows through the step).
 */
export function stepPasses(p: PhaseResult) {
  const maxP99 = num("BENCH_SEARCH_MAX_P99_MS", 250);
  return p.loss <= 0 && p.failed === 0 && p.skipped === 0 && p.published > 0 && p.latency_ms.p99 <= maxP99;
}

/**
 * Step the rate up on one side until a step fails; the highest passing rate (or null). A warm-up step at the
 * lowest rate comes first and is not judged: a freshly started server compiles its hot paths (JIT, Prisma's
 * query plans, Next's route modules) during its first publishes, which would fail the p99 rule at 1/s.
 */
export async function searchRate(side: Side, pub: Publisher, rates: number[], stepSeconds: number) {
  let best: number | null = null;
  const steps: PhaseResult[] = [];
  if (rates.length) phaseLine(await phase(side, pub, rates[0]!, Math.min(stepSeconds, 3)));
  for (const rate of rates) {
    const p = await phase(side, pub, rate, stepSeconds);
    steps.push(p);
    phaseLine(p);
    if (!stepPasses(p)) break;
    best = rate;
  }
  return { best, steps };
}
