// The event catalogue, assembled from the domain files: every persisted (replayable) event's name and the shape
// of its `data`, the envelope around it, and the transient events that are not in the log.
// To add an event: declare it in its domain's `<domain>Events` (./projects.ts, ./workflows.ts, …); it appears here.
import type { z } from "zod";
import { agentEvents } from "./agents";
import { githubEvents } from "./github";
import { notificationEvents } from "./notifications";
import { projectEvents } from "./projects";
import { reviewEvents } from "./reviews";
import { testRunEvents } from "./test-runs";
import { vibecodeEvents } from "./vibecode";
import { workflowEvents } from "./workflows";

export const EVENTS = {
  ...projectEvents,
  ...agentEvents,
  ...workflowEvents,
  ...vibecodeEvents,
  ...testRunEvents,
  ...githubEvents,
  ...reviewEvents,
  ...notificationEvents,
} as const;

export type EventType = keyof typeof EVENTS;
export type EventData<T extends EventType> = z.infer<(typeof EVENTS)[T]>;
export const isEventType = (s: unknown): s is EventType => typeof s === "string" && Object.hasOwn(EVENTS, s);

/** One event of type T as the server sends it (socket) and lists it (REST). */
export type Envelope<T extends EventType = EventType> = {
  id: string;
  type: T;
  timestamp: string;
  source: string;
  room: string;
  trace_id: string | null;
  data: EventData<T>;
};

/** Any event, discriminated on `type`: `switch (env.type)` narrows `env.data` without casts. */
export type AnyEnvelope = { [T in EventType]: Envelope<T> }[EventType];

/** Whether an envelope is one of the given types (narrows). */
export const isEnvelopeOf = <T extends EventType>(env: AnyEnvelope, ...types: T[]): env is Extract<AnyEnvelope, { type: T }> =>
  (types as string[]).includes(env.type);

/** The event types of one domain's catalogue (for a domain's cache handler: `type DomainEnvelope = …`). */
export type EnvelopeOf<E extends Record<string, unknown>> = Extract<AnyEnvelope, { type: keyof E }>;

/* ---------- transient server events (not in the log) ---------- */

export type ConnectionEstablished = {
  type: "connection.established";
  timestamp: string;
  data: { connection_id: string; user_id: string; protocol_version: string };
};
/** Sent just before the server disconnects a socket whose credential expired or was revoked. */
export type AuthError = { type: "auth.error"; timestamp: string; data: { code: "AUTH_FAILED"; message: string } };
export type ServerShutdown = { type: "server.shutdown"; timestamp: string; data: { reason: string } };
/** Events of other processes may have been missed (Redis was unreachable): re-subscribe each room with `since`. */
export type ServerResync = { type: "server.resync"; timestamp: string; data: { reason: string } };
