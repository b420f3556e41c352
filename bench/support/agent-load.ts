// The agent side of bench/ingest.ts and bench/overload.ts: one agent socket sending `agent:event`
// (agent:thought) either closed-loop (a fixed number in flight, as fast as acks come back) or open-loop (a
// fixed rate, at most maxInFlight outstanding; a tick that finds them all busy is skipped and counted).
// Ack latency = ack receipt − emit, in µs into HDR histograms (accepted and refused apart).
import { io, type Socket } from "socket.io-client";
import * as hdr from "hdr-histogram-js";
import { newHist, sleep, type Target } from "./harness";

export type AgentSetup = { mode: "real" | "bare"; url: string; token?: string; workflowId: string; projectId: string; room: string; ownerToken?: string };

/** A project, an agent with its agent token, and a workflow of that agent in the real server. */
export async function realAgent(target: Target): Promise<AgentSetup & { owner: { token: string } }> {
  const app = target.app!;
  const owner = await app.createUser("Ingest owner");
  const project = await app.createProject(owner, { name: "Ingest project", description: "" });
  const a = await app.request("POST", "/api/v1/agents", { token: owner.token, body: { name: "Ingest bot", kind: "coder", project_ids: [project.id] } });
  if (a.status !== 201) throw new Error(`agent: ${a.status} ${JSON.stringify(a.body)}`);
  const t = await app.request("POST", "/api/v1/tokens", { token: owner.token, body: { name: "Ingest bot token", kind: "agent", agent_id: a.body.id } });
  if (t.status !== 201) throw new Error(`token: ${t.status} ${JSON.stringify(t.body)}`);
  const w = await app.request("POST", `/api/v1/projects/${project.id}/workflows`, { token: t.body.token, body: { name: "Ingest workflow" } });
  if (w.status !== 201 && w.status !== 202) throw new Error(`workflow: ${w.status} ${JSON.stringify(w.body)}`);
  const workflowId = (w.body.workflow_id ?? w.body.id) as string;
  return { mode: "real", url: target.url, token: t.body.token, workflowId, projectId: project.id, room: `project:${project.id}`, owner, ownerToken: owner.token };
}

export async function connectAgent(s: AgentSetup): Promise<Socket> {
  const socket = io(s.url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...(s.mode === "bare" ? { query: { relay: s.room } } : { auth: { token: s.token } }),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (e) => reject(e));
  });
  return socket;
}

export type AgentRun = {
  sent: number;
  acked: number;
  refused: number;
  failed: number;
  skipped: number;
  errors: string[];
  ok: hdr.Histogram;
  refusedHist: hdr.Histogram;
  wallMs: number;
  /** the acked ids, in ack order (checked increasing) */
  idsIncreasing: boolean;
  retryAfterSeen: boolean;
  /** CPU of this (the sending) process during the run */
  cpuMs: number;
};

/** Send agent:thought events for `seconds`: closed-loop with `inFlight` outstanding, or open-loop at `rate`/s. */
export async function runAgent(socket: Socket, s: AgentSetup, opts: { seconds: number; inFlight: number; rate?: number; pad?: number }): Promise<AgentRun> {
  const ok = newHist();
  const refusedHist = newHist();
  const errors = new Set<string>();
  const pad = "x".repeat(opts.pad ?? 200);
  let sent = 0;
  let acked = 0;
  let refused = 0;
  let failed = 0;
  let skipped = 0;
  let outstanding = 0;
  let lastId = -1n;
  let idsIncreasing = true;
  let retryAfterSeen = false;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + opts.seconds * 1000;
  const one = async () => {
    const started = performance.now();
    const i = sent++;
    outstanding++;
    try {
      const ack = (await socket.timeout(60_000).emitWithAck("agent:event", {
        type: "agent:thought",
        workflow_id: s.workflowId,
        data: { content: `t=${(performance.timeOrigin + started).toFixed(3)};${i};${pad}` },
      })) as { status: string; id?: string; code?: string; details?: { retry_after_ms?: number } };
      const us = Math.max(1, Math.round((performance.now() - started) * 1000));
      if (ack.status === "success") {
        acked++;
        ok.recordValue(us);
        const id = BigInt(ack.id!);
        if (id <= lastId) idsIncreasing = false;
        lastId = id;
      } else if (ack.code === "OVERLOADED" || ack.code === "RATE_LIMITED") {
        refused++;
        refusedHist.recordValue(us);
        if (typeof ack.details?.retry_after_ms === "number") retryAfterSeen = true;
      } else {
        failed++;
        errors.add(`${ack.code}`);
      }
    } catch (e) {
      failed++;
      errors.add((e as Error).message);
    } finally {
      outstanding--;
    }
  };
  if (opts.rate === undefined) {
    const lane = async () => {
      while (performance.now() < end) await one();
    };
    await Promise.all(Array.from({ length: opts.inFlight }, lane));
  } else {
    const pending = new Set<Promise<void>>();
    let due = 0;
    while (performance.now() < end) {
      const shouldHave = Math.floor(((performance.now() - t0) / 1000) * opts.rate) + 1;
      while (due < shouldHave) {
        due++;
        if (outstanding >= opts.inFlight) {
          skipped++;
          continue;
        }
        const p = one();
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
      await sleep(Math.max(1, Math.min(20, t0 + (due / opts.rate) * 1000 - performance.now())));
    }
    await Promise.all(pending);
  }
  return { sent, acked, refused, failed, skipped, errors: [...errors].slice(0, 5), ok, refusedHist, wallMs: performance.now() - t0, idsIncreasing, retryAfterSeen, cpuMs: ((c) => (c.user + c.system) / 1000)(process.cpuUsage(cpu0)) };
}
