// The context of the work in progress (a REST request, a socket command): request id, user, project and
// trace id, carried through awaits by AsyncLocalStorage. The logger (lib/logger.ts) adds it to every line;
// the audit log (lib/audit.ts) records it. One store per process, a part of the runtime (lib/runtime.ts: route handlers are bundled apart).
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { part } from "./runtime";

export type LogContext = {
  request_id?: string;
  trace_id?: string;
  user_id?: string;
  project_id?: string;
  connection_id?: string;
  ip?: string;
};

const store = () => part("logContext", () => new AsyncLocalStorage<LogContext>());

export const logContext = (): LogContext | undefined => store().getStore();

export const runWithContext = <T>(ctx: LogContext, fn: () => T): T => store().run({ ...logContext(), ...ctx }, fn);

/** Add to the current context (e.g. the user once identified, the project once known). */
export function setContext(extra: Partial<LogContext>): void {
  const c = store().getStore();
  if (c) Object.assign(c, extra);
}

const ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

/** A client's X-Request-Id when it is short and plain, else a new one. */
export const requestIdFrom = (header: string | string[] | undefined | null): string =>
  typeof header === "string" && ID_RE.test(header) ? header : randomUUID();

/** The trace id: a W3C traceparent's trace id, a plain X-Trace-Id, or a new one. */
export function traceIdFrom(headers: { get(name: string): string | null }): string {
  const tp = headers.get("traceparent");
  const m = tp ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(tp.trim()) : null;
  if (m && !/^0+$/.test(m[1]!)) return m[1]!;
  const t = headers.get("x-trace-id");
  if (t && ID_RE.test(t)) return t;
  return randomUUID().replace(/-/g, "");
}
