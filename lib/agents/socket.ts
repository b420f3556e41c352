// The agents' part in the realtime server (wired in by server.ts; lib/realtime knows no domain): presence
// as agent sockets come and go, and the agent:event / agent:status commands.
import { errInfo, logger } from "../logger";
import { appErrorAck, err } from "../realtime/handlers";
import type { ConnectionHooks, DomainCommands } from "../realtime/socket";
import { publishAgentEvent } from "./events";
import { admitted } from "../realtime/overload";
import { agentSocketConnected, agentSocketDisconnected, presenceRoom, setAgentStatus } from "./service";

/** An agent's socket joins its presence:<agent id> room (connection counts) and flips it online; the last one to go, offline. */
export const agentPresence: ConnectionHooks = {
  onConnect(socket) {
    const agentId = socket.data.user.agentId;
    if (!agentId) return;
    void socket.join(presenceRoom(agentId));
    void agentSocketConnected(agentId).catch((e) => logger().error(errInfo(e), "[agents] connect presence failed"));
  },
  onDisconnect(socket, reason) {
    const agentId = socket.data.user.agentId;
    if (agentId) void agentSocketDisconnected(agentId, reason).catch((e) => logger().error(errInfo(e), "[agents] disconnect presence failed"));
  },
};

export const agentCommands: DomainCommands = {
  "agent:event": async (socket, p) => {
    try {
      // Refused at once (OVERLOADED, details.retry_after_ms) while this process cannot keep up (lib/realtime/overload.ts).
      const r = await admitted(() => publishAgentEvent(socket.data.user, (p.workflow_id ?? p.workflowId)!, p.type, p.data)); // seed 001's alias
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
