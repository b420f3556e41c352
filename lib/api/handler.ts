// The one wrapper for route handlers: resolve the caller, parse with zod, map every error to the contract.
import type { z } from "zod";
import { AppError, toErrorResponse, unauthenticated } from "../errors";
import { identify, type Caller } from "../auth/identify";
import { MAX_PAYLOAD_BYTES } from "../realtime/events";
import { enforce } from "../limits";
import { ADMITTED_HEADER, admitted } from "../realtime/overload";

const wasAdmitted = (req: Request) => req.headers.get(ADMITTED_HEADER) === "1";
import { requestIdFrom, runWithContext, setContext, traceIdFrom } from "../log-context";
import { refuseCredential } from "../auth/refusals";
import { IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_RE, callerScope, requestHash, runOnce, stableStringify } from "../idempotency";

type Params = Record<string, string>;
type Ctx = { params: Promise<Params> };

export function json(data: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json", ...headers } });
}

export const noContent = () => new Response(null, { status: 204 });

export function errorResponse(err: unknown): Response {
  const { status, body, headers } = toErrorResponse(err);
  return json(body, status, headers);
}

/**
 * Wrap a handler: any thrown error becomes the contract's error JSON. It runs in a log context (request id
 * set by server.ts, trace id from traceparent / X-Trace-Id or new, client address; the project of
 * /projects/{id} routes): every log line and audit entry made while it runs carries them.
 */
export function handle(fn: (req: Request, params: Params) => Promise<Response>) {
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    const params = (await ctx?.params) ?? {};
    const projectId = params.id && new URL(req.url).pathname.startsWith("/api/v1/projects/") ? params.id : undefined;
    const context = { request_id: requestIdFrom(req.headers.get("x-request-id")), trace_id: traceIdFrom(req.headers), ip: clientIp(req), ...(projectId ? { project_id: projectId } : {}) };
    return runWithContext(context, async () => {
      try {
        return await fn(req, params);
      } catch (err) {
        return errorResponse(err);
      }
    });
  };
}

/**
 * A handler that needs a signed-in caller (Bearer JWT or session cookie). A mutating call with an
 * Idempotency-Key header runs at most once per caller and key (lib/idempotency.ts).
 */
export function authed(fn: (req: Request, caller: Caller, params: Params) => Promise<Response>) {
  const run = async (req: Request, params: Params) => {
    const caller = await requireCaller(req);
    await enforce("rest", `user:${caller.id}`, "requests");
    const key = req.headers.get("idempotency-key");
    if (key === null || !MUTATING.has(req.method)) return fn(req, caller, params);
    return idempotent(req, caller, key, (r) => fn(r, caller, params));
  };
  // A mutating call publishes: refused at once with 503 OVERLOADED + Retry-After while this process cannot
  // keep up (lib/realtime/overload.ts). server.ts admits /api/v1 calls as they arrive (before Next's own work,
  // where a backlog would wait unseen); a call that reached here another way is admitted here.
  return handle((req, params) => (MUTATING.has(req.method) && !wasAdmitted(req) ? admitted("rest", () => run(req, params)) : run(req, params)));
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);


/** Response headers not stored with a result. */
const UNSTORED_HEADERS = new Set(["set-cookie", "content-length"]);

/**
 * Run a mutating call once for (caller, Idempotency-Key): the body is read here (the same 1 MB limit) and
 * hashed with the method and path; the handler gets a copy of the request. The first final answer (any
 * status but 429 and 5xx) is stored; a repeat gets it back with `Idempotent-Replayed: true`.
 */
async function idempotent(req: Request, caller: Caller, key: string, run: (req: Request) => Promise<Response>): Promise<Response> {
  if (!IDEMPOTENCY_KEY_RE.test(key)) {
    throw new AppError("VALIDATION_FAILED", 400, "Invalid Idempotency-Key header", [{ field: "Idempotency-Key", message: `must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters` }]);
  }
  const bytes = await readBodyBytes(req, MAX_PAYLOAD_BYTES);
  if (!bytes) throw tooLarge();
  const text = bytes.toString("utf8");
  let canonical = text;
  try {
    canonical = stableStringify(JSON.parse(text));
  } catch {
    /* not JSON: hash the raw body */
  }
  const url = new URL(req.url);
  const hash = requestHash("rest", req.method, url.pathname + url.search, canonical);
  // The body is read already: the copy carries it whole (no chunked framing or stale length to trust).
  const headers = new Headers(req.headers);
  headers.delete("transfer-encoding");
  headers.delete("content-length");
  const copy = new Request(req.url, { method: req.method, headers, body: bytes.length ? new Uint8Array(bytes) : undefined });
  const { result, replayed } = await runOnce(
    callerScope(caller),
    key,
    hash,
    async () => {
      let res: Response;
      try {
        res = await run(copy);
      } catch (err) {
        res = errorResponse(err);
      }
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        if (!UNSTORED_HEADERS.has(k)) headers[k] = v;
      });
      return { status: res.status, body: { text: await res.text(), headers } };
    },
    (r) => r.status < 500 && r.status !== 429,
  );
  const stored = result.body as { text: string; headers: Record<string, string> };
  const empty = stored.text === "" || result.status === 204 || result.status === 304;
  return new Response(empty ? null : stored.text, { status: result.status, headers: { ...stored.headers, ...(replayed ? { "idempotent-replayed": "true" } : {}) } });
}

/** The client's address as the server saw it (set by server.ts; a client cannot forge it). */
export const clientIp = (req: Request) => req.headers.get("x-switchboard-client-ip") ?? "unknown";

/**
 * The origin the client used (links handed out point there when PUBLIC_URL is unset): the Host header, or a
 * trusted proxy's X-Forwarded-Host/-Proto (server.ts drops untrusted ones). Next's req.url has its own.
 */
export function requestOrigin(req: Request): string {
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  const proto = req.headers.get("x-forwarded-proto") === "https" ? "https" : "http";
  return host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.test(host) ? `${proto}://${host}` : new URL(req.url).origin;
}

/** Limit unauthenticated credential endpoints (sign-up, token) per client address. */
export const limitAuth = (req: Request) => enforce("auth", `ip:${clientIp(req)}`, "sign-in attempts");

export async function requireCaller(req: Request): Promise<Caller> {
  const header = req.headers.get("authorization");
  let token: string | null = null;
  if (header) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!m) throw unauthenticated("Authorization must be 'Bearer <token>'");
    token = m[1]!;
  }
  const r = await identify({ token, cookie: req.headers.get("cookie") });
  if (!r.ok) {
    refuseCredential(r.reason, "rest", { path: new URL(req.url).pathname.slice(0, 200) });
    throw unauthenticated(r.message);
  }
  setContext({ user_id: r.caller.id });
  return r.caller;
}

/** Read a JSON body (at most 1 MB) and validate it. */
export async function readBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const text = await readLimited(req);
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch {
      throw new AppError("VALIDATION_FAILED", 400, "The body is not valid JSON");
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AppError("VALIDATION_FAILED", 400, "The body must be a JSON object");
  }
  return schema.parse(value);
}

const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", 413, `The body is larger than ${MAX_PAYLOAD_BYTES} bytes`);

/** The raw body, or null once it grows past `limit` bytes (the rest is not read). */
export async function readBodyBytes(req: Request, limit: number): Promise<Buffer | null> {
  if (Number(req.headers.get("content-length") ?? "0") > limit) return null;
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readLimited(req: Request): Promise<string> {
  const bytes = await readBodyBytes(req, MAX_PAYLOAD_BYTES);
  if (!bytes) throw tooLarge();
  return bytes.toString("utf8");
}

export function query<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  return schema.parse(Object.fromEntries(new URL(req.url).searchParams));
}
