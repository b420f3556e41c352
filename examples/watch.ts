// A terminal view of a project's live events: every event of the project room, one line each, as it happens.
//
//   SWITCHBOARD_URL=http://localhost:3000 SWITCHBOARD_TOKEN=sb_pat_… PROJECT_ID=<uuid> npx tsx examples/watch.ts
//
// Optional: SINCE=<event id> replays what came after it first (SINCE=0: the project's whole kept history).
// After a dropped connection it re-joins with the newest id it printed: nothing is missed, nothing printed twice.
import { connect, SwitchboardError, type AnyEnvelope } from "@switchboard/client";
import { settings } from "./env";

const { url, token, projectId } = settings();
const since = process.env.SINCE?.trim() || undefined;

/** One line per event; `switch` on `type` narrows `data` to that event's shape. */
function describe(env: AnyEnvelope): string {
  switch (env.type) {
    case "workflow.started":
    case "workflow.completed":
    case "workflow.failed":
    case "workflow.cancelled":
      return `${env.data.name} (${env.data.status})`;
    case "workflow.progress":
      return `${env.data.progress}% step ${env.data.current_step ?? "-"}/${env.data.total_steps ?? "-"}`;
    case "agent:thought":
      return env.data.content.slice(0, 200);
    case "agent:tool_call":
      return `${env.data.tool_name} ${env.data.status}: ${env.data.message.slice(0, 200)}`;
    case "agent:result":
      return `${env.data.status} (${env.data.content_type})`;
    case "agent:error":
      return `${env.data.code}: ${env.data.message.slice(0, 200)}`;
    case "agent.status_changed":
    case "agent.connected":
    case "agent.disconnected":
      return `${env.data.agent_name} ${env.data.status}`;
    case "test_result":
      return `${env.data.status} ${env.data.name}`;
    case "test_completed":
      return `${env.data.status}: ${env.data.passed} passed, ${env.data.failed} failed, ${env.data.skipped} skipped`;
    case "project.updated":
      return `${env.data.name}: ${env.data.changes.fields.join(", ")}`;
    default:
      return "";
  }
}

const sb = connect({ url, token, onError: (e) => console.error(`[watch] ${e instanceof SwitchboardError ? e.code + ": " : ""}${e.message}`) });
sb.onStateChange((state) => console.error(`[watch] connection ${state}`));
const sub = sb.subscribe({ project_id: projectId }, (env) => console.log(`#${env.id} ${env.timestamp} ${env.type} ${describe(env)}`.trimEnd()), {
  since,
  onReset: () => console.error("[watch] older events were deleted by retention; the replay is partial"),
});
sub.ready.then(
  (ack) => console.error(`[watch] watching ${sub.room}${since !== undefined ? ` (replayed ${ack.replayed})` : ""}`),
  (e) => {
    console.error(`[watch] cannot watch ${sub.room}: ${e instanceof SwitchboardError ? `${e.code}: ` : ""}${e.message}`);
    process.exit(1);
  },
);
sb.ready().catch((e) => {
  console.error(`[watch] ${e.code}: ${e.message}`);
  process.exit(1);
});
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    sb.close();
    process.exit(0);
  });
