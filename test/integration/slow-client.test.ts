// Slow clients: a socket that stops reading is cut off once SOCKET_MAX_BUFFER_BYTES are waiting for it,
// while a normal client in the same room keeps receiving everything and server memory stays bounded.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startExpectingFailure, startServer, type TestServer, type TestUser } from "../support/server";

const LIMIT = 256 * 1024;
let s: TestServer;
let admin: TestUser;

beforeAll(async () => {
  s = await startServer({ env: { SOCKET_MAX_BUFFER_BYTES: String(LIMIT), RATE_LIMIT_REST_PER_MINUTE: "1000000" } });
  admin = await s.createUser("Admin");
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

const adminMetrics = async () => (await s.request("GET", "/api/v1/admin/metrics", { token: admin.token })).body;

it("a client that stops reading is disconnected; a normal one gets every event; memory stays bounded", async () => {
  const p = await s.createProject(admin);
  const normal = await s.connect({ auth: { token: admin.token } });
  const slow = await s.connect({ auth: { token: admin.token } });
  let normalGot = 0;
  normal.on("project.updated", () => normalGot++);
  let slowGot = 0;
  slow.on("project.updated", () => slowGot++);
  for (const c of [normal, slow]) expect(await c.emitWithAck("subscribe", { project_id: p.id })).toMatchObject({ status: "success" });
  // Stop reading: pause the slow client's TCP socket (data piles up in the kernel, then on the server).
  const tcp = (slow.io.engine as any).transport.ws._socket as import("node:net").Socket;
  expect(typeof tcp.pause).toBe("function");
  tcp.pause();

  const before = await adminMetrics();
  expect(before.slow_client_disconnects).toBe(0);
  const big = "x".repeat(5000);
  let published = 0;
  let cut = false;
  for (let batch = 0; batch < 200 && !cut; batch++) {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const r = await s.request("PUT", `/api/v1/projects/${p.id}`, { token: admin.token, body: { description: `${batch}-${i} ${big}` } });
        expect(r.status).toBe(200);
        published++;
      }),
    );
    if (batch % 5 === 4) cut = (await adminMetrics()).slow_client_disconnects >= 1;
  }
  expect(cut).toBe(true);
  const after = await adminMetrics();
  expect(after.slow_client_disconnects).toBe(1);
  expect(s.logs.join("\n")).toMatch(/slow client .* bytes buffered > 262144; disconnecting/);
  // The normal client received every event, and is still connected.
  const deadline = Date.now() + 30_000;
  while (normalGot < published && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(normalGot).toBe(published);
  expect(normal.connected).toBe(true);
  expect(await normal.emitWithAck("ping", {})).toMatchObject({ status: "pong" });
  // The server no longer counts the slow socket.
  expect((await s.request("GET", "/api/v1/websocket/stats", { token: admin.token })).body.connections).toBe(1);
  // Sanity, not a timing assertion: memory did not grow with everything the slow client never read.
  expect(after.memory.rss_bytes - before.memory.rss_bytes).toBeLessThan(200 * 1024 * 1024);
  // Resumed, the slow client finds its connection closed, having received far fewer events.
  tcp.resume();
  await new Promise<void>((resolve) => (slow.connected ? slow.once("disconnect", () => resolve()) : resolve()));
  expect(slowGot).toBeLessThan(published);
}, 300_000);

it("SOCKET_MAX_BUFFER_BYTES is validated at start", async () => {
  const r = await startExpectingFailure({ SOCKET_MAX_BUFFER_BYTES: "lots" });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/SOCKET_MAX_BUFFER_BYTES/);
}, 90_000);
