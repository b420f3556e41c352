// One Socket.IO connection per tab, created on first use in the browser (cookie auth, same origin).
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/contract";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: AppSocket | null = null;

export function getSocket(): AppSocket {
  if (typeof window === "undefined") throw new Error("getSocket() is browser-only");
  socket ??= io({ withCredentials: true, autoConnect: false });
  return socket;
}
