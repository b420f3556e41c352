// An agent: comes online, starts a workflow in PROJECT_ID, streams thoughts and tool calls while it reports
// progress, posts a result and completes the workflow. Run it with an agent token (API tokens page → kind "Agent"):
//
//   SWITCHBOARD_URL=http://localhost:3000 SWITCHBOARD_TOKEN=sb_agt_… PROJECT_ID=<uuid> npx tsx examples/agent.ts
//
// Optional: AGENT_STEPS (default 5), AGENT_STEP_MS (pause between steps, default 1500), WORKFLOW_NAME.
// It survives a server restart (or a dropped network) midway: every socket command and REST call carries an
// idempotency key the client keeps while it retries, so nothing is lost and nothing is published twice.
import { connect, SwitchboardError } from "@switchboard/client";
import { intEnv, settings, sleep } from "./env";

const { url, token, projectId } = settings();
const steps = Math.max(1, intEnv("AGENT_STEPS", 5, 100));
const stepMs = intEnv("AGENT_STEP_MS", 1500, 60_000);
const name = process.env.WORKFLOW_NAME || "Example agent run";

const sb = connect({ url, token, onError: (e) => console.error(`[agent] ${e instanceof SwitchboardError ? e.code + ": " : ""}${e.message}`) });
sb.onStateChange((state) => console.log(`[agent] connection ${state}`));

async function main() {
  await sb.ready();
  const me = await sb.agent.status("online", { availability: 100, metadata: { example: "examples/agent.ts" } });
  console.log(`[agent] online as agent ${me.agent_id}`);

  const wf = await sb.workflows.start(projectId, { name, total_steps: steps });
  console.log(`[agent] workflow ${wf.id} started`);
  // Someone may press Cancel on the workflow page: the agent hears it in the workflow's room and stops.
  let cancelled = false;
  const sub = sb.subscribe(`workflow:${wf.id}`, () => void (cancelled = true), { types: ["workflow.cancelled"] });
  await sb.agent.status("busy", { availability: 0 });

  // Errors are typed values: a workflow someone ended meanwhile answers INVALID_TRANSITION (details.status says how).
  const endedElsewhere = (e: unknown) => {
    if (!SwitchboardError.is(e, "INVALID_TRANSITION")) throw e;
    cancelled = true;
  };
  for (let step = 1; step <= steps && !cancelled; step++) {
    await sb.agent.thought(wf.id, `Step ${step} of ${steps}: deciding what to check next`);
    await sb.agent.toolCall(wf.id, { tool_name: "run_checks", status: "completed", message: `step ${step}: all checks passed`, arguments: { step } });
    await sb.workflows
      .progress(wf.id, { progress: Math.round((step * 100) / steps), current_step: step, step_name: `Checks, round ${step}`, logs: [`step ${step} done`] })
      .then(() => console.log(`[agent] step ${step}/${steps} reported`), endedElsewhere);
    if (step < steps && !cancelled) await sleep(stepMs);
  }
  sub.unsubscribe();
  if (!cancelled) {
    await sb.agent.result(wf.id, { status: "success", content_type: "text/markdown", content: `Checked ${steps} steps; nothing to fix.` });
    await sb.workflows.complete(wf.id, { result: { steps } }).then(() => console.log(`[agent] workflow ${wf.id} completed`), endedElsewhere);
  }
  if (cancelled) console.log(`[agent] workflow ${wf.id} was cancelled; stopping`);
  await sb.agent.status("idle", { availability: 100 });
}

main().then(
  () => {
    sb.close();
    process.exit(0);
  },
  (e) => {
    console.error(`[agent] failed: ${e instanceof SwitchboardError ? `${e.code}: ` : ""}${e instanceof Error ? e.message : String(e)}`);
    sb.close();
    process.exit(1);
  },
);
