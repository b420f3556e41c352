// @switchboard/client — the typed client of Switchboard's realtime protocol and REST API (docs/INTEGRATING.md).
export { connect, SwitchboardClient } from "./client";
export type { ConnectOptions, PostBody, EnvelopeFor, RoomTarget, SubscribeOptions, Subscription, AgentEventOptions, AgentWorkData } from "./client";
export { RealtimeClient, type ConnectionState, type RealtimeHandlers, type AppSocket } from "./realtime";
export { SwitchboardError, CLIENT_ERROR_CODES, fromAck, fromRestError, type ClientErrorCode, type SwitchboardErrorCode } from "./errors";
export type { paths as RestPaths, components as RestComponents } from "./openapi-types";
// The contract's shapes, so a client needs one import.
export {
  rooms,
  parseRoom,
  isEnvelopeOf,
  ERROR_CODE_LIST,
  type AnyEnvelope,
  type Envelope,
  type EventType,
  type EventData,
  type ErrorCode,
  type JoinAck,
  type Workflow,
  type AgentWorkType,
} from "../../../lib/contract/index";
