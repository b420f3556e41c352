// One Socket.IO connection per tab, created on first use in the browser (cookie auth, same origin).
import { io } from "socket.io-client";
import type { AppSocket } from "@switchboard/client/realtime";

export type { AppSocket };

let socket: AppSocket | null = null;

export function getSocket(): AppSocket {
  if (typeof window === "undefined") throw new Error("getSocket() is browser-only");
  socket ??= io({ withCredentials: true, autoConnect: false });
  return socket;
}
