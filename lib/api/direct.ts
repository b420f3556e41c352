// Hot REST routes served straight from server.ts, without Next's app-route runtime: the same route handler
// modules (app/api/…/route.ts) called with a web Request built from the Node request, their Response written
// back. Everything before the handler still applies (server.ts: forwarded headers, Host and CSRF checks,
// security headers, the request log, CORS, admission) and the handler is the one Next would call, with the
// same wrapper (lib/api/handler.ts: caller, limits, idempotency, errors). Next's runtime (routing, request
// and response adaptation, its async contexts) cost ≈ 1.5–2 ms of CPU per request — a fifth of a warm
// `PUT /projects/{id}` (bench/RESULTS.md). Only exact paths are taken here; anything else (a trailing slash,
// an id that is not a UUID, other methods) goes to Next as before.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { errInfo, logger } from "../logger";

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
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
    const request = new Request(`http://${host}${url}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
      duplex: "half",
    } as RequestInit);
    void r.handler(request, { params: Promise.resolve({ [r.param]: m[1]! }) }).then(
      (response) => send(response, res),
      (e) => {
        // The handlers map every error to the contract (lib/api/handler.ts): this is a bug.
        logger().error(errInfo(e), "[http] direct route failed");
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ error: { code: "INTERNAL", message: "Internal error" } }));
        } else res.destroy();
      },
    );
    return true;
  }
  return false;
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
