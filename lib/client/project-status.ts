// The projects list's live status (`activity` of each project, GET /api/v1/projects) kept current from the
// project room's envelopes: last run, running workflows, agents online, last activity. Every update is a
// set or a max, so an envelope met twice (replay after a reconnect) changes nothing.
import type { QueryClient } from "@tanstack/react-query";
import type { AnyEnvelope as Envelope } from "@/lib/contract";
import type { ProjectActivity } from "@/lib/feed/kinds";
import { keys } from "./keys";
import type { Project } from "./types";

const with_ = (list: string[], id: string, on: boolean) => (on ? (list.includes(id) ? list : [...list, id]) : list.filter((x) => x !== id));

export function nextActivity(a: ProjectActivity, env: Envelope): ProjectActivity {
  let next = a;
  if (!a.last_activity_at || env.timestamp > a.last_activity_at) next = { ...next, last_activity_at: env.timestamp };
  const run = next.last_run;
  switch (env.type) {
    case "test_run.created": {
      const d = env.data;
      if (!run || (run.id !== d.test_run_id && env.timestamp >= run.created_at)) {
        next = { ...next, last_run: { id: d.test_run_id, status: d.status, passed: 0, failed: 0, skipped: 0, total: null, created_at: env.timestamp, finished_at: null } };
      }
      break;
    }
    case "test_started": {
      const d = env.data;
      if (run?.id === d.test_run_id && run.status === "queued") next = { ...next, last_run: { ...run, status: "running", total: d.total } };
      break;
    }
    case "test_completed": {
      const d = env.data;
      if (run?.id === d.test_run_id) next = { ...next, last_run: { ...run, status: d.status, passed: d.passed, failed: d.failed, skipped: d.skipped, total: d.total, finished_at: env.timestamp } };
      break;
    }
    case "workflow.started":
    case "workflow.progress":
    case "workflow.completed":
    case "workflow.failed": {
      const d = env.data;
      next = { ...next, running_workflows: with_(next.running_workflows, d.workflow_id, d.status === "running") };
      break;
    }
    case "agent.connected":
    case "agent.disconnected":
    case "agent.status_changed": {
      const d = env.data;
      next = { ...next, agents_online: with_(next.agents_online, d.agent_id, d.status !== "offline") };
      break;
    }
  }
  return next;
}

export function applyProjectStatus(qc: QueryClient, projectId: string, env: Envelope) {
  qc.setQueryData<Project[]>(keys.projects, (old) => {
    if (!old) return old;
    let changed = false;
    const list = old.map((p) => {
      if (p.id !== projectId || !p.activity) return p;
      const activity = nextActivity(p.activity, env);
      if (activity === p.activity) return p;
      changed = true;
      return { ...p, activity };
    });
    return changed ? list : old;
  });
}
