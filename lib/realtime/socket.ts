// The server's socket type and the hooks through which the domains take part in a connection's life
// (lib/realtime knows no domain: server.ts wires agent presence and the agent commands in).
import type { Socket } from "socket.io";
import type { Caller } from "../auth/caller";
import type { ClientToServerEvents, CommandAcks, CommandName, CommandPayload, ServerToClientEvents } from "./events";

/**
 * What other processes see of a socket (fetchSockets serialises it through the adapter as JSON): plain data
 * only. The socket's own server-side state lives under the symbols below (never serialised).
 */
export type SocketData = { user: Caller; connectionId: string };

/** The credential's expiry timer (lib/realtime/credentials.ts). */
export const EXPIRY_TIMER = Symbol("expiryTimer");
/** Room joins under way, counted against the room cap (lib/realtime/handlers.ts). */
export const PENDING_JOINS = Symbol("pendingJoins");
type SocketState = { [EXPIRY_TIMER]?: NodeJS.Timeout; [PENDING_JOINS]?: Set<string> };
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData> & SocketState;

/** Called for every authenticated socket, synchronously on connection and on its disconnect. */
export type ConnectionHooks = {
  onConnect?: (socket: AppSocket) => void;
  onDisconnect?: (socket: AppSocket, reason: string) => void;
};

export type CommandHandler<C extends CommandName> = (socket: AppSocket, payload: CommandPayload<C>) => Promise<CommandAcks[C]> | CommandAcks[C];

/** Commands whose work belongs to a domain (the agents' commands), supplied by server.ts. */
export type DomainCommandName = "agent:event" | "agent:status";
export type DomainCommands = { [C in DomainCommandName]: CommandHandler<C> };
