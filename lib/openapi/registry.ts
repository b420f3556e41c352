// The OpenAPI registry: every REST route is declared here once, from the same zod schemas the route
// handlers parse with (@asteasolutions/zod-to-openapi). Each domain declares its routes in ./paths/<domain>.ts;
// ./document.ts builds the OpenAPI 3.1 document served at /api/v1/openapi.json.
import { OpenAPIRegistry, extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z, type ZodType } from "zod";
import { ZIdempotencyKey } from "../idempotency-key";

extendZodWithOpenApi(z);

export const registry = new OpenAPIRegistry();

/** What each route declares it answers, by "<method> <path>" and status (test/integration/contract.test.ts parses real answers with it). */
export const declaredResponses = new Map<string, Record<number, ZodType | undefined>>();

registry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "A JWT from POST /api/v1/auth/token, or an API token from POST /api/v1/tokens",
});
registry.registerComponent("securitySchemes", "session", {
  type: "apiKey",
  in: "cookie",
  name: "next-auth.session-token",
  description:
    "The browser's next-auth session. POST/PUT/PATCH/DELETE with it need an allowed Origin (this server's own or CORS_ORIGINS; else 403 ORIGIN_NOT_ALLOWED) and, with a body, Content-Type application/json (else 415 UNSUPPORTED_MEDIA_TYPE)",
});

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: "Error" });

type Method = "get" | "post" | "put" | "patch" | "delete";
type Response = { description: string; schema?: ZodType; contentType?: string };

/**
 * Declare one route. `path` uses OpenAPI's `{id}` form. Error responses: pass the statuses the route can
 * answer besides the common ones (400, 401, 404, 413, 429 are added for authenticated routes).
 */
export function route(def: {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  auth?: boolean;
  params?: string[];
  query?: z.ZodObject;
  body?: ZodType;
  responses: Record<number, Response>;
  errors?: number[];
}) {
  const auth = def.auth ?? true;
  declaredResponses.set(`${def.method} ${def.path}`, Object.fromEntries(Object.entries(def.responses).map(([status, r]) => [Number(status), r.schema])));
  const params = def.params ?? [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const responses: Record<string, { description: string; content?: Record<string, { schema: ZodType }> }> = {};
  for (const [status, r] of Object.entries(def.responses)) {
    responses[status] = { description: r.description, ...(r.schema ? { content: { [r.contentType ?? "application/json"]: { schema: r.schema } } } : {}) };
  }
  // Every authenticated mutating call takes an Idempotency-Key (lib/idempotency.ts, docs/DELIVERY.md).
  const idempotent = auth && def.method !== "get";
  const errors = new Set([...(def.errors ?? []), ...(auth ? [400, 401, 404, 413, 429] : [400, 413, 429]), ...(idempotent ? [409, 422, 503] : [])]);
  for (const status of errors) {
    if (!responses[status]) responses[status] = { description: ERROR_TEXT[status] ?? "Error", content: { "application/json": { schema: ErrorSchema } } };
  }
  registry.registerPath({
    method: def.method,
    path: def.path,
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    tags: [def.tag],
    ...(auth ? { security: [{ bearer: [] }, { session: [] }] } : {}),
    request: {
      ...(params.length ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) } : {}),
      ...(def.query ? { query: def.query } : {}),
      ...(idempotent ? { headers: z.object({ "Idempotency-Key": ZIdempotencyKey.optional() }) } : {}),
      ...(def.body ? { body: { content: { "application/json": { schema: def.body } } } } : {}),
    },
    responses,
  });
}

const ERROR_TEXT: Record<number, string> = {
  400: "VALIDATION_FAILED: the body or query is not valid (details per field)",
  401: "UNAUTHENTICATED: no valid credential",
  403: "FORBIDDEN: the caller's role does not allow this",
  404: "NOT_FOUND: unknown or malformed id, or not visible to the caller",
  409: "A conflict (see the error code); IDEMPOTENCY_IN_PROGRESS: a request with this Idempotency-Key is still running (retry after Retry-After)",
  413: "PAYLOAD_TOO_LARGE: the body is over 1 MB",
  422: "IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used for a different request within IDEMPOTENCY_WINDOW_MS",
  429: "RATE_LIMITED: retry after the Retry-After header",
  503: "A dependency is not configured or not available; OVERLOADED: the server cannot keep up, nothing was done (retry after the Retry-After header)",
};
