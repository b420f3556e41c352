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

/** When the credential expires (ms since the epoch): the key of its shared expiry timer (lib/realtime/credentials.ts). */
export const EXPIRY_AT = Symbol("expiryAt");
/** Room joins under way, counted against the room cap (lib/realtime/handlers.ts). */
export const PENDING_JOINS = Symbol("pendingJoins");
/** The command rate limit's current window (lib/realtime/handlers.ts), from the socket's first command. */
export const COMMAND_WINDOW = Symbol("commandWindow");
type SocketState = { [EXPIRY_AT]?: number; [PENDING_JOINS]?: Set<string>; [COMMAND_WINDOW]?: { end: number; used: number } };
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
