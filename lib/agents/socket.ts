// The agents' part in the realtime server (wired in by server.ts; lib/realtime knows no domain): presence
// as agent sockets come and go, and the agent:event / agent:status commands.
import { errInfo, logger } from "../logger";
import { appErrorAck, err } from "../realtime/handlers";
import type { ConnectionHooks, DomainCommands } from "../realtime/socket";
import { publishAgentEvent } from "./events";
import { admitted } from "../realtime/overload";
import { part } from "../runtime";
import { agentSocketConnected, agentSocketDisconnected, presenceRoom, setAgentStatus } from "./service";

/** Presence work under way (kept until done, so shutdown can wait for it before the database closes). */
const presenceWork = () => part<Set<Promise<unknown>>>("agent presence work", () => new Set());

function track(work: Promise<unknown>, what: string) {
  const pending = presenceWork();
  const tracked = work.catch((e) => logger().error(errInfo(e), `[agents] ${what} presence failed`)).finally(() => pending.delete(tracked));
  pending.add(tracked);
}

/** Wait (at most timeoutMs) for presence updates under way — the shutdown's own "offline" events included. */
export async function drainAgentPresence(timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = presenceWork();
  while (pending.size && Date.now() < deadline) {
    await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, Math.max(deadline - Date.now(), 0)))]);
  }
}

/** An agent's socket joins its presence:<agent id> room (connection counts) and flips it online; the last one to go, offline. */
export const agentPresence: ConnectionHooks = {
  onConnect(socket) {
    const agentId = socket.data.user.agentId;
    if (!agentId) return;
    void socket.join(presenceRoom(agentId));
    track(agentSocketConnected(agentId), "connect");
  },
  onDisconnect(socket, reason) {
    const agentId = socket.data.user.agentId;
    if (agentId) track(agentSocketDisconnected(agentId, reason), "disconnect");
  },
};

export const agentCommands: DomainCommands = {
  "agent:event": async (socket, p) => {
    try {
      // Refused at once (OVERLOADED, details.retry_after_ms) while this process cannot keep up (lib/realtime/overload.ts).
      const r = await admitted("socket", () => publishAgentEvent(socket.data.user, (p.workflow_id ?? p.workflowId)!, p.type, p.data)); // seed 001's alias
      return { status: "success", id: r.id };
    } catch (e) {
      return appErrorAck(e);
    }
  },
  "agent:status": async (socket, p) => {
    const user = socket.data.user;
    if (user.tokenKind !== "agent" || !user.agentId) return err("FORBIDDEN", "Only agents (with an agent token) can report a status");
    try {
      const a = await setAgentStatus(user, user.agentId, p);
      return { status: "success", agent_id: a.id, agent_status: a.status };
    } catch (e) {
      return appErrorAck(e);
    }
  },
};
