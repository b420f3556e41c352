// The realtime protocol now lives in lib/contract (rooms, the event catalogue assembled from the domain files,
// commands and acks); this module re-exports it for the server code that imported it from here.
export { PROTOCOL_VERSION, MAX_PAYLOAD_BYTES, MAX_EVENT_ID, ZEventId } from "../contract/common";
export { ROOM_KINDS, parseRoom, rooms, type RoomKind, type ParsedRoom } from "../contract/rooms";
export { ERROR_CODES, type CommandErrorCode } from "../contract/errors";
export * from "../contract/events";
export * from "../contract/commands";
export { AGENT_WORK_DATA, type AgentWorkType } from "../contract/agents";
export { ZProjectSchema, type TProject, type TMember } from "../contract/projects";
export { ZWorkflowSchema } from "../contract/workflows";
export { ZPullRequestSchema, ZIssueSchema, type TPullRequest, type TIssue } from "../contract/github";
export { AI_CATEGORIES, ZAiSuggestionSchema, type TAiSuggestion } from "../contract/reviews";
export { NOTIFICATION_KINDS, ZNotificationSchema, type TNotification, type NotificationKind } from "../contract/notifications";
