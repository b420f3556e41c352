// The server's socket type and the hooks through which the domains take part in a connection's life
// (lib/realtime knows no domain: server.ts wires agent presence and the agent commands in).
import type { Socket } from "socket.io";
import type { Caller } from "../auth/caller";
import type { ClientToServerEvents, CommandAcks, CommandName, CommandPayload, ServerToClientEvents } from "./events";

/** A socket's state (listeners are shared: lib/realtime/handlers.ts makeListeners). */
export type SocketData = { user: Caller; connectionId: string; expiryTimer?: NodeJS.Timeout; pendingJoins?: Set<string> };
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Called for every authenticated socket, synchronously on connection and on its disconnect. */
export type ConnectionHooks = {
  onConnect?: (socket: AppSocket) => void;
  onDisconnect?: (socket: AppSocket, reason: string) => void;
};

export type CommandHandler<C extends CommandName> = (socket: AppSocket, payload: CommandPayload<C>) => Promise<CommandAcks[C]> | CommandAcks[C];

/** Commands whose work belongs to a domain (the agents' commands), supplied by server.ts. */
export type DomainCommandName = "agent:event" | "agent:status";
export type DomainCommands = { [C in DomainCommandName]: CommandHandler<C> };
