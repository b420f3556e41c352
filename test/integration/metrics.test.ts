// /api/metrics: Prometheus text for admins or the METRICS_TOKEN; counts what happened.
import { afterAll, beforeAll, expect, it } from "vitest";
import { nextEvent, startServer, type TestServer, type TestUser } from "../support/server";

let s: TestServer;
let admin: TestUser;
let user: TestUser;
const METRICS_TOKEN = "metrics-token-0123456789";

beforeAll(async () => {
  s = await startServer({ env: { METRICS_TOKEN } });
  admin = await s.createUser("Admin");
  user = await s.createUser("User");
});
afterAll(async () => {
  await s?.stop();
});

const value = (text: string, name: string, labels = "") => {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `) || (labels === "" && l.startsWith(`${name} `)));
  return line ? Number(line.split(" ").at(-1)) : NaN;
};

it("admins and the metrics token read it; others are refused", async () => {
  expect((await s.request("GET", "/api/metrics")).status).toBe(401);
  expect((await s.request("GET", "/api/metrics", { token: user.token })).body.error.code).toBe("FORBIDDEN");
  expect((await s.request("GET", "/api/metrics", { token: "wrong-token-but-long-enough" })).status).toBe(401);
  const byToken = await s.request("GET", "/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(byToken.status).toBe(200);
  expect(byToken.headers.get("content-type")).toContain("text/plain");
});

it("counts connections, published and delivered events, latency and replays", async () => {
  const p = await s.createProject(admin);
  const a = await s.connect({ auth: { token: admin.token } });
  const b = await s.connect({ auth: { token: admin.token } });
  for (const c of [a, b]) await c.emitWithAck("subscribe", { project_id: p.id });
  const got = nextEvent(b, "project.updated");
  await s.request("PUT", `/api/v1/projects/${p.id}`, { token: admin.token, body: { name: "measured" } });
  await got;
  const late = await s.connect({ auth: { token: admin.token } });
  await late.emitWithAck("subscribe", { project_id: p.id, since: 0 });
  const text = (await s.request("GET", "/api/metrics", { token: admin.token })).body as string;
  expect(value(text, "switchboard_socket_connections")).toBe(3);
  // One update is published to the project room and to the updater's user room (seed 004); both sockets are
  // the admin's, so each gets both copies.
  expect(value(text, "switchboard_events_published_total", '{type="project.updated"}')).toBe(2);
  expect(value(text, "switchboard_events_delivered_total", '{type="project.updated"}')).toBe(4);
  expect(value(text, "switchboard_events_replayed_total")).toBe(1);
  expect(value(text, "switchboard_publish_to_emit_seconds_count")).toBeGreaterThanOrEqual(2);
  expect(text).toContain("switchboard_process_resident_memory_bytes");
});
