// Slow clients: a socket that stops reading is cut off once SOCKET_MAX_BUFFER_BYTES are waiting for it,
// while a normal client in the same room keeps receiving everything and server memory stays bounded.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startExpectingFailure, startServer, type TestServer, type TestUser } from "../support/server";

// Each job_log batch is up to 200 lines of 2000 chars (twice: message and lines), about 800 KB: the limit
// must stay well above one event, and the output well above what the kernel buffers on loopback (~4 MB).
const LIMIT = 3 * 1024 * 1024;
const LINES = 5000;
let s: TestServer;
let admin: TestUser;

beforeAll(async () => {
  s = await startServer({ env: { SOCKET_MAX_BUFFER_BYTES: String(LIMIT) } });
  admin = await s.createUser("Admin");
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

const adminMetrics = async () => (await s.request("GET", "/api/v1/admin/metrics", { token: admin.token })).body;

it("a client that stops reading is disconnected; a normal one gets every event; memory stays bounded", async () => {
  // A test run printing LINES lines of 1990 characters streams ~20 MB of job_log events to its job room.
  const p = await s.createProject(admin, { test_command: `sleep 1; i=0; while [ $i -lt ${LINES} ]; do printf '%01990d\\n' $i; i=$((i+1)); done` });
  const normal = await s.connect({ auth: { token: admin.token } });
  const slow = await s.connect({ auth: { token: admin.token } });
  const before = await adminMetrics();
  expect(before.slow_client_disconnects).toBe(0);

  const run = await s.request("POST", `/api/v1/projects/${p.id}/test-runs`, { token: admin.token, body: {} });
  expect(run.status).toBe(202);
  const jobId = run.body.job_id as string;
  let normalLines = 0;
  normal.on("job_log", (e: any) => (normalLines += e.data.lines.length));
  const complete = new Promise<any>((resolve) => normal.on("job_complete", resolve));
  let slowEvents = 0;
  slow.on("job_log", () => slowEvents++);
  for (const c of [normal, slow]) expect(await c.emitWithAck("join_job", { job_id: jobId, since: 0 })).toMatchObject({ status: "success" });
  // Stop reading: pause the slow client's TCP socket (data piles up in the kernel, then on the server).
  const tcp = (slow.io.engine as any).transport.ws._socket as import("node:net").Socket;
  expect(typeof tcp.pause).toBe("function");
  tcp.pause();

  expect((await complete).data.result.status).toBe("passed");
  const deadline = Date.now() + 20_000;
  while ((await adminMetrics()).slow_client_disconnects < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const after = await adminMetrics();
  expect(after.slow_client_disconnects).toBe(1);
  expect(s.logs.join("\n")).toMatch(new RegExp(`slow client .* bytes buffered > ${LIMIT}; disconnecting`));
  // The normal client received every line (the runner streams at most 5000, plus its own notes) and is still connected.
  expect(normalLines).toBeGreaterThanOrEqual(LINES);
  expect(normal.connected).toBe(true);
  expect(await normal.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
  // The server no longer counts the slow socket.
  expect((await s.request("GET", "/api/v1/websocket/stats", { token: admin.token })).body.connections).toBe(1);
  // Sanity, not a timing assertion: memory did not grow with everything the slow client never read.
  expect(after.memory.rss_bytes - before.memory.rss_bytes).toBeLessThan(200 * 1024 * 1024);
  // Resumed, the slow client finds its connection closed, having received only part of the events.
  tcp.resume();
  await new Promise<void>((resolve) => (slow.connected ? slow.once("disconnect", () => resolve()) : resolve()));
  expect(slowEvents).toBeLessThan(LINES / 200);
}, 300_000);

it("GET /api/v1/admin/metrics: admins only, the documented shape", async () => {
  expect((await s.request("GET", "/api/v1/admin/metrics")).status).toBe(401);
  const user = await s.createUser("Not admin");
  const refused = await s.request("GET", "/api/v1/admin/metrics", { token: user.token });
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe("FORBIDDEN");
  const m = await adminMetrics();
  expect(m).toMatchObject({
    scope: { connections: "cluster", counters: "this_process" },
    connections: expect.any(Number),
    events: { published_total: expect.any(Number), published_per_second: expect.any(Number), replayed_total: expect.any(Number) },
    publish_latency_ms: { count: expect.any(Number) },
    health: { database: "ok", redis: "disabled" },
    throughput: expect.any(Array),
  });
  expect(m.slow_client_disconnects).toBeGreaterThanOrEqual(0);
});

it("SOCKET_MAX_BUFFER_BYTES is validated at start", async () => {
  const r = await startExpectingFailure({ SOCKET_MAX_BUFFER_BYTES: "lots" });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/SOCKET_MAX_BUFFER_BYTES/);
}, 90_000);
