// Load generator: a forked process holding a share of the subscribers (socket.io-client, websocket only).
// Parent → {t:"connect"|"reset"|"report"|"count"|"close"}; this → {t:"progress"|"connected"|"reset"|"report"|"count"}.
// Latency = receipt time − the publisher's wall-clock time written at the start of data.description
// ("t=<ms since epoch, µs precision>;"), recorded in microseconds into an HDR histogram.
import { io, type Socket } from "socket.io-client";
import * as hdr from "hdr-histogram-js";
import type { ClientMsg, ClientReply } from "./protocol";

const sockets: Socket[] = [];
const hist = hdr.build({ useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
let received = 0;
let lastReceipt = 0;
let outOfOrder = 0;
let cpu = process.cpuUsage();
let since = performance.now();
const now = () => performance.timeOrigin + performance.now();
const send = (m: ClientReply) => process.send!(m);

function onEvent(this: { last: number; room: string }, env: { id: string; room?: string; data?: { description?: string } }) {
  if (env.room !== undefined && env.room !== this.room) return; // only the measured room's events count
  received++;
  const t = now();
  lastReceipt = t;
  const d = env.data?.description;
  if (d && d.startsWith("t=")) {
    const sent = parseFloat(d.slice(2, d.indexOf(";")));
    if (sent > 0) hist.recordValue(Math.max(1, Math.round((t - sent) * 1000)));
  }
  const id = Number(env.id);
  if (id <= this.last) outOfOrder++;
  this.last = id;
}

async function connectOne(m: Extract<ClientMsg, { t: "connect" }>, i: number): Promise<string | null> {
  const url = m.urls[i % m.urls.length]!;
  const socket = io(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
    ...(m.mode === "bare" ? { query: { room: m.room } } : { auth: { token: m.token } }),
  });
  const state = { last: 0, room: m.room };
  socket.on(m.eventType, onEvent.bind(state));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (e) => reject(e));
    });
    if (m.mode === "real") {
      const ack = (await socket.timeout(60_000).emitWithAck("subscribe", { project_id: m.projectId })) as { status: string; code?: string };
      if (ack.status !== "success") throw new Error(`subscribe: ${ack.code}`);
    }
    sockets.push(socket);
    return null;
  } catch (e) {
    socket.disconnect();
    return (e as Error & { data?: { code?: string } }).data?.code ?? (e as Error).message;
  }
}

process.on("message", async (m: ClientMsg) => {
  if (m.t === "connect") {
    let next = 0;
    let ok = 0;
    const errors: string[] = [];
    let lastProgress = Date.now();
    const lane = async () => {
      while (next < m.count) {
        const i = m.offset + next++;
        const e = await connectOne(m, i);
        if (e) errors.push(e);
        else ok++;
        if (Date.now() - lastProgress > 2000) {
          lastProgress = Date.now();
          send({ t: "progress", connected: ok, failed: errors.length });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(m.concurrency, m.count) }, lane));
    send({ t: "connected", connected: ok, failed: errors.length, errors: [...new Set(errors)].slice(0, 5) });
  } else if (m.t === "reset") {
    hist.reset();
    received = 0;
    outOfOrder = 0;
    lastReceipt = 0;
    cpu = process.cpuUsage();
    since = performance.now();
    send({ t: "reset" });
  } else if (m.t === "count") {
    send({ t: "count", received, connected: sockets.filter((s) => s.connected).length });
  } else if (m.t === "report") {
    const used = process.cpuUsage(cpu);
    send({
      t: "report",
      received,
      outOfOrder,
      lastReceipt,
      connected: sockets.filter((s) => s.connected).length,
      hist: hdr.encodeIntoCompressedBase64(hist),
      cpuMs: (used.user + used.system) / 1000,
      wallMs: performance.now() - since,
      rss: process.memoryUsage().rss,
    });
  } else if (m.t === "close") {
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 200);
  }
});
process.on("disconnect", () => process.exit(0));
