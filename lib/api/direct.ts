// Hot REST routes served straight from server.ts, without Next's app-route runtime: the same route handler
// modules (app/api/…/route.ts) called with a web Request built from the Node request, their Response written
// back. Everything before the handler still applies (server.ts: forwarded headers, Host and CSRF checks,
// security headers, the request log, CORS, admission) and the handler is the one Next would call, with the
// same wrapper (lib/api/handler.ts: caller, limits, idempotency, errors). Next's runtime (routing, request
// and response adaptation, its async contexts) cost ≈ 1.5–2 ms of CPU per request — a fifth of a warm
// `PUT /projects/{id}` (bench/RESULTS.md). Only exact paths are taken here; anything else (a trailing slash,
// an id that is not a UUID, other methods) goes to Next as before.
import type { IncomingMessage, ServerResponse } from "node:http";
import { errInfo, logger } from "../logger";
import { errorResponse } from "./handler";

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type DirectRoute = { method: string; pattern: RegExp; param: string; handler: RouteHandler };

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/;

/** A UUID path segment (the only ids these routes take), then the end of the path or a query string. */
export const UUID_SEGMENT = "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:\\?|$)";

/** Serve req with one of `routes` and return true, or return false (Next serves it). */
export function serveDirect(routes: DirectRoute[], req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "";
  const host = req.headers.host ?? "";
  for (const r of routes) {
    if (r.method !== req.method) continue;
    const m = r.pattern.exec(url);
    if (!m || !HOST.test(host)) continue;
    const headers = new Headers();
    try {
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    } catch {
      return false; // a header Node took but a web Headers refuses: Next's own adaptation decides
    }
    const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
    const body = hasBody ? bodyOf(req) : null;
    const request = new Request(`http://${host}${url}`, { method: req.method, headers, body: body?.stream ?? null, duplex: "half" } as RequestInit);
    void r.handler(request, { params: Promise.resolve({ [r.param]: m[1]! }) }).then(
      (response) => send(response, res).finally(() => body?.discard()),
      (e) => {
        // The handlers map every error to the contract (lib/api/handler.ts): this is a bug.
        logger().error(errInfo(e), "[http] direct route failed");
        if (!res.headersSent) void send(errorResponse(e), res).catch(() => res.destroy());
        else res.destroy();
      },
    );
    return true;
  }
  return false;
}

/**
 * The request body as a web stream (back-pressured: the Node stream is paused while the web stream's queue is
 * full). What the handler leaves unread — it answered before reading (401, 404), or stopped past the size limit
 * (413) — is read and dropped, so the connection stays usable for its next request, as with Next.
 */
function bodyOf(req: IncomingMessage): { stream: ReadableStream<Uint8Array>; discard: () => void } {
  let onData: ((chunk: Buffer) => void) | null = null;
  const discard = () => {
    if (onData) req.off("data", onData);
    onData = null;
    if (!req.readableEnded) req.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      onData = (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      };
      req.on("data", onData);
      req.once("end", () => {
        if (onData) controller.close();
      });
      req.once("error", (e) => {
        if (onData) controller.error(e);
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      discard();
    },
  });
  return { stream, discard };
}

async function send(response: Response, res: ServerResponse) {
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  res.statusCode = response.status;
  response.headers.forEach((v, k) => {
    if (k !== "set-cookie") res.setHeader(k, v);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  res.end(body ?? undefined);
}
