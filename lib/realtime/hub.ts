// The realtime hub lives on globalThis: server.ts creates it, route handlers (bundled apart) read it.
import type { Server, Namespace } from "socket.io";

export type Hub = {
  io: Server;
  namespaces: Namespace[];
  redis: { ok: () => boolean } | null;
  /** Called after an event was delivered to this process's sockets of a room (slow-client check). */
  afterLocalEmit?: (room: string) => void;
};

const g = globalThis as unknown as { __switchboardHub?: Hub };

export const setHub = (hub: Hub | undefined) => {
  g.__switchboardHub = hub;
};
export const getHub = (): Hub | undefined => g.__switchboardHub;
