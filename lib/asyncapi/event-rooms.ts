// Which kinds of room each persisted event is published to (the services' publish() calls; docs/PROTOCOL.md
// "Server events"). Typed by the catalogue: a new event type does not compile until it says where it goes.
import type { EventType, RoomKind } from "../contract";

type Kinds = readonly RoomKind[];
const P: Kinds = ["project"];
const PW: Kinds = ["project", "workflow"];
const PU: Kinds = ["project", "user"];
const PJ: Kinds = ["project", "job"];
const AP: Kinds = ["agent", "project"];

export const EVENT_ROOMS: Record<EventType, Kinds> = {
  "project.created": ["user"],
  "project.updated": PU,
  "project.deleted": PU,
  "member.added": PU,
  "member.updated": P,
  "member.removed": PU,
  "agent.status_changed": AP,
  "agent.connected": AP,
  "agent.disconnected": AP,
  "agent:thought": PW,
  "agent:tool_call": PW,
  "agent:result": PW,
  "agent:error": PW,
  "workflow.started": PW,
  "workflow.progress": PW,
  "workflow.completed": PW,
  "workflow.failed": PW,
  "workflow.cancelled": ["project", "workflow", "agent"],
  "workflow.agent_status": PW,
  "workspace.cloning": P,
  "workspace.ready": P,
  "workspace.failed": P,
  "workspace.synced": P,
  "project.shipping_updated": P,
  "session.branch_created": P,
  "session.pushed": P,
  "session.pull_request": P,
  "session.created": P,
  vibecode_request: P,
  vibecode_chunk: P,
  vibecode_response: P,
  vibecode_error: P,
  "patch.applied": P,
  "patch.rejected": P,
  "test_run.created": P,
  "test_run.cancelling": P,
  test_started: PJ,
  test_result: PJ,
  test_completed: PJ,
  job_progress: ["job"],
  job_log: ["job"],
  job_complete: ["job"],
  job_error: ["job"],
  "pr.created": P,
  "pr.updated": P,
  "pr.closed": P,
  "issue.created": P,
  "issue.updated": P,
  "issue.closed": P,
  "repo.push": P,
  "ai.suggestion": P,
  "ai.analysis_complete": P,
  "notification.created": ["user"],
  "notification.read": ["user"],
};
