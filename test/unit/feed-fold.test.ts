// The browser's feed cache (lib/client/feed.ts): live envelopes add items of the shown kinds and fold a run's
// results, a message's stream and a workflow's progress into their item; replays change nothing; paging and
// a re-read first page keep what was loaded.
import { describe, expect, it } from "vitest";
import { appendOlder, foldEnvelope, mergeFirstPage, type FeedData, type FeedItem } from "@/lib/client/feed";
import { nextActivity } from "@/lib/client/project-status";
import { FEED_KINDS } from "@/lib/feed/kinds";
import type { AnyEnvelope as Envelope } from "@/lib/contract";

const ROOM = "project:00000000-0000-4000-8000-000000000001";
let nextId = 100;
const env = (type: string, data: Record<string, unknown>, id = ++nextId): Envelope =>
  ({ id: String(id), type, room: ROOM, timestamp: new Date(1_800_000_000_000 + id * 1000).toISOString(), source: "test", trace_id: null, data }) as Envelope;
const empty: FeedData = { items: [], nextBefore: null };
const all = FEED_KINDS;

describe("foldEnvelope", () => {
  it("a run is one item whose summary counts its results; test_result never becomes an item; a replay changes nothing", () => {
    let d = foldEnvelope(empty, env("test_run.created", { test_run_id: "r1", status: "queued" }), all);
    d = foldEnvelope(d, env("test_started", { test_run_id: "r1", total: 3 }), all);
    const results = [0, 1, 2].map((seq) => env("test_result", { test_run_id: "r1", seq, status: seq === 1 ? "failed" : "passed" }));
    for (const r of results) d = foldEnvelope(d, r, all);
    expect(d.items).toHaveLength(1);
    expect(d.items[0]!.summary).toMatchObject({ kind: "run", status: "running", passed: 2, failed: 1, total: 3 });
    for (const r of results) d = foldEnvelope(d, r, all); // replayed after a reconnect
    expect(d.items[0]!.summary).toMatchObject({ passed: 2, failed: 1 });
    d = foldEnvelope(d, env("test_completed", { test_run_id: "r1", status: "failed", passed: 2, failed: 1, skipped: 0, total: 3, duration_ms: 40 }), all);
    expect(d.items[0]!.summary).toMatchObject({ status: "failed", passed: 2, failed: 1, finished_at: expect.any(String) });
    d = foldEnvelope(d, results[2]!, all);
    expect(d.items[0]!.summary).toMatchObject({ passed: 2, failed: 1 });
  });

  it("a page read after some results does not count them twice", () => {
    const created = env("test_run.created", { test_run_id: "r2", status: "running" });
    const page: FeedData = { items: [{ id: created.id, kind: "tests", envelope: created, summary: { kind: "run", status: "running", passed: 5, failed: 0, skipped: 0, total: null, duration_ms: null, finished_at: null } }], nextBefore: null };
    let d = foldEnvelope(page, env("test_result", { test_run_id: "r2", seq: 4, status: "passed" }), all);
    expect(d.items[0]!.summary).toMatchObject({ passed: 5 });
    d = foldEnvelope(d, env("test_result", { test_run_id: "r2", seq: 5, status: "failed" }), all);
    expect(d.items[0]!.summary).toMatchObject({ passed: 5, failed: 1 });
  });

  it("a vibecode message and a workflow fold their updates", () => {
    let d = foldEnvelope(empty, env("vibecode_request", { message_id: "m1", session_id: "s", prompt: "hi", user_id: "u" }), all);
    d = foldEnvelope(d, env("vibecode_chunk", { message_id: "m1", seq: 0, content: "x" }), all);
    expect(d.items[0]!.summary).toMatchObject({ kind: "message", status: "streaming" });
    d = foldEnvelope(d, env("vibecode_response", { message_id: "m1", status: "proposed", files: [{ path: "a" }, { path: "b" }] }), all);
    d = foldEnvelope(d, env("patch.applied", { message_id: "m1", commit: "abcdef1234", files: [] }), all);
    expect(d.items.find((i) => i.envelope.type === "vibecode_request")!.summary).toMatchObject({ status: "applied", files_changed: 2, commit_sha: "abcdef1234" });
    expect(d.items.map((i) => i.envelope.type)).toEqual(["patch.applied", "vibecode_request"]);

    const w = { workflow_id: "w1", name: "deploy", status: "running", progress: 0, current_step: 0, total_steps: 2, step_name: null, finished_at: null };
    d = foldEnvelope(empty, env("workflow.started", w), all);
    d = foldEnvelope(d, env("workflow.progress", { ...w, progress: 50, current_step: 1, step_name: "build" }), all);
    expect(d.items[0]!.summary).toMatchObject({ kind: "workflow", progress: 50, step_name: "build" });
    d = foldEnvelope(d, env("workflow.completed", { ...w, status: "completed", progress: 100, finished_at: "2027-01-01T00:00:00.000Z" }), all);
    d = foldEnvelope(d, env("workflow.progress", { ...w, progress: 60 }), all); // a late progress after the end
    expect(d.items[0]!.summary).toMatchObject({ status: "completed", progress: 100 });
  });

  it("shows only the selected kinds, and never an item older than an unloaded page", () => {
    const member = env("member.added", { user_id: "u", name: "Ann" });
    expect(foldEnvelope(empty, member, ["tests"]).items).toEqual([]);
    expect(foldEnvelope(empty, member, ["people"]).items).toHaveLength(1);
    expect(foldEnvelope(empty, env("agent:thought", { content: "hmm" }), all).items).toEqual([]);
    const newer = env("project.updated", {}, 500);
    const d: FeedData = { items: [{ id: newer.id, kind: "people", envelope: newer, summary: null }], nextBefore: "500" };
    expect(foldEnvelope(d, env("member.added", {}, 400), all).items).toHaveLength(1); // belongs to the older page
    expect(foldEnvelope(d, env("member.added", {}, 600), all).items.map((i) => i.id)).toEqual(["600", "500"]);
  });
});

describe("pages", () => {
  const item = (id: number): FeedItem => ({ id: String(id), kind: "people", envelope: env("project.updated", {}, id), summary: null });
  it("Load older appends; a re-read first page keeps the older pages and their cursor", () => {
    let d = mergeFirstPage(undefined, { items: [item(90), item(80)], next_before: "80", kinds: [...all] });
    d = appendOlder(d, { items: [item(70), item(60)], next_before: "60", kinds: [...all] });
    expect(d.items.map((i) => i.id)).toEqual(["90", "80", "70", "60"]);
    d = mergeFirstPage(d, { items: [item(95), item(90)], next_before: "90", kinds: [...all] });
    expect(d.items.map((i) => i.id)).toEqual(["95", "90", "80", "70", "60"]);
    expect(d.nextBefore).toBe("60");
  });
});

describe("the projects list's live status", () => {
  it("follows runs, workflows and agents, idempotently", () => {
    let a = { last_run: null, running_workflows: [], agents_online: [], last_activity_at: null } as Parameters<typeof nextActivity>[0];
    const created = env("test_run.created", { test_run_id: "r", status: "queued" });
    a = nextActivity(a, created);
    a = nextActivity(a, env("test_completed", { test_run_id: "r", status: "failed", passed: 1, failed: 2, skipped: 0, total: 3 }));
    a = nextActivity(a, env("workflow.started", { workflow_id: "w", status: "running" }));
    a = nextActivity(a, env("workflow.started", { workflow_id: "w", status: "running" }));
    a = nextActivity(a, env("agent.connected", { agent_id: "g", status: "online" }));
    expect(a).toMatchObject({ last_run: { id: "r", status: "failed", failed: 2 }, running_workflows: ["w"], agents_online: ["g"] });
    a = nextActivity(a, env("workflow.failed", { workflow_id: "w", status: "failed" }));
    a = nextActivity(a, env("agent.disconnected", { agent_id: "g", status: "offline" }));
    a = nextActivity(a, created); // replayed: the last run stays the completed one
    expect(a).toMatchObject({ last_run: { id: "r", status: "failed" }, running_workflows: [], agents_online: [] });
    expect(a.last_activity_at).toEqual(expect.any(String));
  });
});
