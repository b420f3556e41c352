// Vibecode envelopes → React Query cache (called from cache.ts's applyEnvelope).
// Live events say things REST does not (the answer while it streams, who applied a patch) and can
// overtake a REST read in flight, so what they said is also kept here and merged into every fresh read.
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { parseRoom, type AnyEnvelope } from "@/lib/contract";
import { keys } from "../keys";
import type { Message, MessageStatus, MessageView, Session, SessionSummary } from "./api";

const RANK: Record<MessageStatus, number> = { pending: 0, streaming: 1, proposed: 2, answered: 2, failed: 2, applied: 3, rejected: 3 };

export const isInFlight = (s: MessageStatus) => s === "pending" || s === "streaming";

type Known = { rank: number; fields: Partial<MessageView> };
type Chunk = { content: string; offset?: number };

const CAP = 300;

/** Insert into a Map, dropping the oldest entries beyond CAP. */
function capSet<K, V>(map: Map<K, V>, key: K, value: V) {
  map.delete(key);
  map.set(key, value);
  if (map.size > CAP) map.delete(map.keys().next().value as K);
}

/** Per tab: streamed chunks, event-derived message fields and agent activity lines. */
class LiveMessages {
  private chunks = new Map<string, Map<number, Chunk>>();
  private known = new Map<string, Known>();
  private activity = new Map<string, string>();
  /** Messages and sessions events announced: a REST read that started before them must not drop them. */
  private added = new Map<string, MessageView>();
  private sessions = new Map<string, SessionSummary>();

  noteMessage(m: MessageView) {
    if (!this.added.has(m.id)) capSet(this.added, m.id, m);
  }

  messagesOf = (sessionId: string) => [...this.added.values()].filter((m) => m.session_id === sessionId);

  noteSession(s: SessionSummary) {
    if (!this.sessions.has(s.id)) capSet(this.sessions, s.id, s);
  }

  sessionsOf = (projectId: string) => [...this.sessions.values()].filter((s) => s.project_id === projectId);

  addChunk(messageId: string, seq: number, content: string, offset?: number) {
    const parts = this.chunks.get(messageId) ?? new Map<number, Chunk>();
    parts.set(seq, { content, offset });
    capSet(this.chunks, messageId, parts);
  }

  /**
   * The answer so far: `soFar` (the text a REST read returned while the message streamed) continued by
   * the live chunks that go past it. Chunks carry their offset in the answer, so the ones the read already
   * holds are dropped, and at a hole (chunks published before this tab joined the room that the read did not
   * have yet) the text stops: it shows only what is contiguous until a fresh read (the join refetches the
   * session) or the full reply fills it, never a fragment out of place.
   */
  stream(messageId: string, soFar = ""): { text: string; gap: boolean } | null {
    const parts = this.chunks.get(messageId);
    if (!parts?.size) return soFar ? { text: soFar, gap: false } : null;
    const seqs = [...parts.keys()].sort((a, b) => a - b);
    if (seqs.some((s) => parts.get(s)!.offset === undefined)) {
      // Chunks without offsets (published before offsets existed): by seq alone.
      const text = seqs.map((s) => parts.get(s)!.content).join("");
      const gap = seqs[0] !== 0 || seqs[seqs.length - 1]! - seqs[0]! + 1 !== seqs.length;
      return { text, gap };
    }
    let text = soFar;
    let gap = false;
    for (const s of seqs) {
      const { content, offset } = parts.get(s)!;
      const end = offset! + content.length;
      if (end <= text.length) continue; // already in the text
      if (offset! > text.length) {
        gap = true;
        break;
      }
      text += content.slice(text.length - offset!);
    }
    return { text, gap };
  }

  know(messageId: string, rank: number, fields: Partial<MessageView>) {
    const prev = this.known.get(messageId);
    capSet(this.known, messageId, { rank: Math.max(rank, prev?.rank ?? 0), fields: { ...prev?.fields, ...fields } });
    if (rank >= 2) this.chunks.delete(messageId); // the full reply replaces the stream
  }

  knownOf = (messageId: string) => this.known.get(messageId);

  setActivity(traceId: string, line: string) {
    capSet(this.activity, traceId, line);
  }

  activityOf = (traceId: string) => this.activity.get(traceId);
}

const live = new LiveMessages();

/** A message with everything live events said about it that its REST read (or older cache) lacks. */
export function withLive(m: MessageView): MessageView {
  let out = m;
  const known = live.knownOf(m.id);
  if (known && known.rank >= RANK[m.status]) out = { ...out, ...known.fields };
  if (isInFlight(out.status)) {
    // While a message streams, REST's `reply` is the answer so far (docs/PROTOCOL.md).
    const s = live.stream(m.id, out.reply ?? "");
    if (s) out = { ...out, status: "streaming", stream: s.text, streamGap: s.gap };
    const line = m.trace_id ? live.activityOf(m.trace_id) : null;
    if (line) out = { ...out, activity: line };
  }
  return out;
}

export function withLiveSession(s: Session): Session {
  const missing = live.messagesOf(s.id).filter((m) => !s.messages.some((x) => x.id === m.id));
  const messages = missing.length ? [...s.messages, ...missing].sort((a, b) => a.created_at.localeCompare(b.created_at)) : s.messages;
  return { ...s, messages: messages.map(withLive) };
}

/** A project's sessions as REST listed them, plus any announced since the read began. */
export function withLiveSessions(projectId: string, list: SessionSummary[]): SessionSummary[] {
  const missing = live.sessionsOf(projectId).filter((s) => !list.some((x) => x.id === s.id));
  return missing.length ? [...missing, ...list] : list;
}

/* ---------- cache edits ---------- */

function updateSession(qc: QueryClient, sessionId: string, fn: (s: Session) => Session) {
  qc.setQueryData<Session>(keys.session(sessionId), (old) => (old ? fn(old) : old));
}

/** Re-derive one message from the live state (after the state learned something about it). */
function refreshMessage(qc: QueryClient, sessionId: string, messageId: string, base?: Partial<Message>) {
  updateSession(qc, sessionId, (s) =>
    s.messages.some((m) => m.id === messageId) ? { ...s, messages: s.messages.map((m) => (m.id === messageId ? withLive({ ...m, ...base }) : m)) } : s,
  );
}

/** Add a message the page has not seen yet (its own prompt, or someone else's vibecode_request). */
export function addMessage(qc: QueryClient, m: MessageView) {
  live.noteMessage(m);
  updateSession(qc, m.session_id, (s) =>
    s.messages.some((x) => x.id === m.id) ? s : { ...s, title: s.title || m.prompt.split("\n")[0]!.slice(0, 80), messages: [...s.messages, withLive(m)] },
  );
}

export function putSessionSummary(qc: QueryClient, summary: SessionSummary) {
  live.noteSession(summary);
  qc.setQueryData<SessionSummary[]>(keys.sessions(summary.project_id), (old) =>
    old && !old.some((s) => s.id === summary.id) ? [summary, ...old] : old,
  );
}

/** The apply/reject answer: the message as stored now, plus who decided (the event may say it too). */
export function mergeDecided(qc: QueryClient, m: Message, me: string) {
  live.know(m.id, RANK[m.status], { status: m.status, commit_sha: m.commit_sha, ...(live.knownOf(m.id)?.fields.decided_by ? {} : { decided_by: me }) });
  refreshMessage(qc, m.session_id, m.id, m);
}

/** Someone else already decided: read the session again. */
export const refetchSession = (qc: QueryClient, sessionId: string) => qc.invalidateQueries({ queryKey: keys.session(sessionId) });

function agentLine(env: AnyEnvelope): string | null {
  const d = env.data as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
  switch (env.type) {
    case "agent:thought":
      return s(d.content);
    case "agent:tool_call":
      return s(d.message) ?? (s(d.tool_name) ? `${s(d.tool_name)}: ${s(d.status) ?? "called"}` : null);
    case "agent:error":
      return s(d.message);
    case "workflow.progress": {
      const logs = Array.isArray(d.logs) ? d.logs.filter((l): l is string => typeof l === "string") : [];
      return s(logs[logs.length - 1]) ?? (typeof d.current_step === "number" ? `Step ${d.current_step}${typeof d.total_steps === "number" ? ` of ${d.total_steps}` : ""}` : null);
    }
    default:
      return null;
  }
}

/** An agent/workflow event of a message being answered (same trace id): its status line. */
function noteActivity(qc: QueryClient, env: AnyEnvelope) {
  const line = env.trace_id ? agentLine(env) : null;
  if (!line || !env.trace_id) return;
  live.setActivity(env.trace_id, line.length > 160 ? line.slice(0, 159) + "…" : line);
  for (const [, session] of qc.getQueriesData<Session>({ queryKey: keys.allSessions })) {
    const m = session?.messages.find((x) => x.trace_id === env.trace_id && isInFlight(x.status));
    if (m && session) refreshMessage(qc, session.id, m.id);
  }
}

export function applyVibecodeEnvelope(qc: QueryClient, env: AnyEnvelope) {
  const room = parseRoom(env.room);
  const projectId = room?.kind === "project" ? room.id : null;
  switch (env.type) {
    case "session.created": {
      const d = env.data;
      putSessionSummary(qc, { id: d.session_id, project_id: d.project_id, title: null, user_id: d.user_id, user_name: d.user_name, message_count: 0, created_at: d.created_at, updated_at: d.created_at });
      return;
    }
    case "vibecode_request": {
      const d = env.data;
      if (projectId) void qc.invalidateQueries({ queryKey: keys.sessions(projectId) }); // title, count, order
      addMessage(qc, {
        id: d.message_id,
        session_id: d.session_id,
        user_id: d.user_id,
        user_name: d.user_name,
        prompt: d.prompt,
        reply: null,
        patch: null,
        files: [],
        status: "pending",
        error: null,
        trace_id: env.trace_id ?? "",
        model: null,
        token_usage: null,
        commit_sha: null,
        workflow_id: null,
        created_at: env.timestamp,
        updated_at: env.timestamp,
      });
      return;
    }
    case "vibecode_chunk": {
      const d = env.data;
      if ((live.knownOf(d.message_id)?.rank ?? 0) >= 2) return; // the full reply is already here
      live.addChunk(d.message_id, d.seq, d.content, typeof d.offset === "number" ? d.offset : undefined);
      return refreshMessage(qc, d.session_id, d.message_id);
    }
    case "vibecode_response": {
      const d = env.data;
      live.know(d.message_id, 2, {
        status: d.status,
        reply: d.reply,
        patch: d.patch,
        files: d.files,
        model: d.model,
        token_usage: d.token_usage,
        error: d.error ?? null,
        error_code: d.error_code ?? null,
        stream: undefined,
        activity: null,
      });
      if (projectId) void qc.invalidateQueries({ queryKey: keys.usage(projectId) });
      return refreshMessage(qc, d.session_id, d.message_id);
    }
    case "vibecode_error": {
      const d = env.data;
      live.know(d.message_id, 2, { status: "failed", error: d.message, error_code: d.code, activity: null });
      return refreshMessage(qc, d.session_id, d.message_id);
    }
    case "patch.applied": {
      const d = env.data;
      live.know(d.message_id, 3, { status: "applied", commit_sha: d.commit, decided_by: d.applied_by, decided_by_name: d.applied_by_name });
      if (projectId) void qc.invalidateQueries({ queryKey: keys.files(projectId) });
      return refreshMessage(qc, d.session_id, d.message_id);
    }
    case "patch.rejected": {
      const d = env.data;
      live.know(d.message_id, 3, { status: "rejected", decided_by: d.rejected_by, decided_by_name: d.rejected_by_name });
      return refreshMessage(qc, d.session_id, d.message_id);
    }
    case "agent:thought":
    case "agent:tool_call":
    case "agent:result":
    case "agent:error":
    case "workflow.started":
    case "workflow.progress":
    case "workflow.completed":
    case "workflow.failed":
      return noteActivity(qc, env);
  }
}

/** After a fresh join of a project room: the vibecode queries that may have missed its events. */
export const vibecodeQueriesBehindProject = (projectId: string): QueryKey[] => [
  keys.sessions(projectId),
  keys.usage(projectId),
  keys.files(projectId),
  keys.allSessions,
];
