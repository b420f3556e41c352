// Envelopes → React Query cache. The socket never drives component state directly: it edits the cache.
import { publishToListeners } from "./envelope-bus";
// Each domain's reducer (lib/client/<domain>/cache.ts, React-free) switches on env.type and ignores the rest.
import { applyWorkflowEnvelope, workflowQueriesBehindRoom } from "./workflows/cache";
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { parseRoom, type AnyEnvelope } from "@/lib/contract";
import { keys } from "./keys";
import { foldEnvelope, type FeedBuffer, type FeedData } from "./feed";
import type { FeedKind } from "@/lib/feed/kinds";
import { applyProjectStatus } from "./project-status";
import { applyVibecodeEnvelope, vibecodeQueriesBehindProject } from "./vibecode/cache";
import { applyRunEnvelope, runQueriesBehindProject } from "./runs/cache";
import { agentQueriesBehindProject, applyAgentEnvelope } from "./agents/cache";
import { applyGithubEnvelope, githubQueriesBehindProject } from "./github/cache";
import { applyProjectEnvelope } from "./projects/cache";

export type CacheContext = { qc: QueryClient; me: string; feedBuffer: FeedBuffer };

/** Into every feed entry of the project (one per kinds filter): a new item, or folded into its run/message/workflow. */
function appendToFeed({ qc, feedBuffer }: CacheContext, projectId: string, env: AnyEnvelope) {
  feedBuffer.push(projectId, env); // a page still loading may predate it: replayed onto the page when it lands
  for (const [key, data] of qc.getQueriesData<FeedData>({ queryKey: keys.events(projectId) })) {
    if (!data) continue;
    const kinds = String(key[2] ?? "").split(",") as FeedKind[];
    qc.setQueryData<FeedData>(key, (old) => old && foldEnvelope(old, env, kinds));
  }
  applyProjectStatus(qc, projectId, env);
}

export function applyEnvelope(ctx: CacheContext, env: AnyEnvelope) {
  const { qc, me } = ctx;
  const room = parseRoom(env.room);
  publishToListeners(env);
  if (room?.kind === "project" && room.id) appendToFeed(ctx, room.id, env);
  applyVibecodeEnvelope(qc, env);
  applyRunEnvelope(qc, env);
  applyAgentEnvelope(qc, env);
  applyWorkflowEnvelope(qc, env);
  applyGithubEnvelope(qc, env);
  applyProjectEnvelope(qc, me, env);
}

/** Queries whose data may predate a fresh join of `room` (and so may have missed its events). */
/**
 * What to refetch when a re-join answered `reset` (events of the room were deleted by retention): the
 * room's REST-backed queries, and for a job room every test run (its page reads the run over REST; the
 * job's own live state keeps what was replayed).
 */
export function queriesAfterReset(room: string, me: string): QueryKey[] {
  const r = parseRoom(room);
  if (r?.kind === "job") return [["test-run"], ["test-runs"]];
  return queriesBehindRoom(room, me);
}

export function queriesBehindRoom(room: string, me: string): QueryKey[] {
  const r = parseRoom(room);
  if (!r?.id) return [];
  if (r.kind === "workflow") return workflowQueriesBehindRoom(room);
  if (r.kind === "user") return r.id === me ? [keys.projects] : [];
  if (r.kind === "project") return [keys.projects, keys.project(r.id), keys.members(r.id), keys.events(r.id), ...vibecodeQueriesBehindProject(r.id), ...runQueriesBehindProject(r.id), ...agentQueriesBehindProject(r.id), ...workflowQueriesBehindRoom(room), ...githubQueriesBehindProject(r.id)];
  return [];
}
