// The baseline for the benchmarks: a plain Socket.IO server, no auth, no persistence, no Next.js.
// Clients join the room named in their handshake query (`?room=`) on connect; `POST /publish` with
// `{room, type, data}` does only `io.to(room).emit(type, envelope)` and answers 202 `{id}`; a socket connected
// with `?relay=<room>` has its `agent:event`s emitted to that room and acked (the agent-ingest baseline).
// Prints "listening on http://…" like server.ts. PORT (default 0), HOST (default 127.0.0.1).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

let seq = 0;

const http = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/publish") {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let body: { room: string; type: string; data: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      res.writeHead(400).end();
      return;
    }
    const id = String(++seq);
    io.to(body.room).emit(body.type, {
      id,
      type: body.type,
      timestamp: new Date().toISOString(),
      source: "bare",
      room: body.room,
      trace_id: null,
      data: body.data,
    });
    res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ id }));
  });
});

const io = new Server(http, { path: "/socket.io/", maxHttpBufferSize: 4 * 1024 * 1024 });
io.on("connection", (socket) => {
  const room = socket.handshake.query.room;
  if (typeof room === "string" && room) void socket.join(room);
  // The agent-ingest baseline (bench/ingest.ts): a socket connected with `?relay=<room>` sends
  // `agent:event` {type, workflow_id, data}; the server emits it to that room and acks {status, id}.
  const relay = socket.handshake.query.relay;
  if (typeof relay === "string" && relay) {
    socket.on("agent:event", (p: { type?: string; workflow_id?: string; data?: Record<string, unknown> }, ack?: (r: unknown) => void) => {
      const id = String(++seq);
      const type = typeof p?.type === "string" ? p.type : "agent:thought";
      io.to(relay).emit(type, {
        id,
        type,
        timestamp: new Date().toISOString(),
        source: "bare",
        room: relay,
        trace_id: null,
        data: { ...p?.data, workflow_id: p?.workflow_id ?? null, agent_id: "bare" },
      });
      if (typeof ack === "function") ack({ status: "success", id });
    });
  }
});

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const a = http.address() as AddressInfo;
  console.log(`bare socket.io server listening on http://${a.address}:${a.port}`);
});

const stop = () => io.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
