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
  .object({
    error: z.object({
      code: z.string().describe("UPPER_SNAKE; every code and its HTTP status: lib/contract/errors.ts"),
      message: z.string().describe("for people; do not parse it"),
      details: z.unknown().optional().describe("VALIDATION_FAILED: [{field, message}]; RATE_LIMITED: {retry_after_ms, …}; others per code"),
    }),
  })
  .meta({ id: "Error" });

type Method = "get" | "post" | "put" | "patch" | "delete";
type Response = { description: string; schema?: ZodType; contentType?: string; example?: unknown };

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
  /** An example request body (the reference's "try it" starts from it). */
  bodyExample?: unknown;
  responses: Record<number, Response>;
  errors?: number[];
}) {
  const auth = def.auth ?? true;
  declaredResponses.set(`${def.method} ${def.path}`, Object.fromEntries(Object.entries(def.responses).map(([status, r]) => [Number(status), r.schema])));
  const params = def.params ?? [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  type Content = { schema: ZodType; example?: unknown; examples?: Record<string, { summary: string; value: unknown }> };
  const responses: Record<string, { description: string; content?: Record<string, Content> }> = {};
  for (const [status, r] of Object.entries(def.responses)) {
    const content: Content = { schema: r.schema!, ...(r.example !== undefined ? { example: r.example } : {}) };
    responses[status] = { description: r.description, ...(r.schema ? { content: { [r.contentType ?? "application/json"]: content } } : {}) };
  }
  // Every authenticated mutating call takes an Idempotency-Key (lib/idempotency.ts, docs/DELIVERY.md).
  const idempotent = auth && def.method !== "get";
  // Codes the route's own text names ("409 INVALID_TRANSITION") are answers it can give: each gets an example.
  const named = namedErrors(`${def.summary} ${def.description ?? ""}`);
  const errors = new Set([...(def.errors ?? []), ...(auth ? [400, 401, 404, 413, 429] : [400, 413, 429]), ...(idempotent ? [409, 422, 503] : []), ...named.keys()]);
  for (const status of [...errors].sort()) {
    const examples = errorExamples(status, named.get(status), auth, idempotent);
    if (!responses[status]) responses[status] = { description: ERROR_TEXT[status] ?? "Error", content: { "application/json": { schema: ErrorSchema, examples } } };
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
      ...(def.body ? { body: { content: { "application/json": { schema: def.body, ...(def.bodyExample !== undefined ? { example: def.bodyExample } : {}) } } } } : {}),
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

/** The code each common status answers with unless the route names another. */
const DEFAULT_CODE: Record<number, string> = {
  400: "VALIDATION_FAILED",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "IDEMPOTENCY_KEY_REUSED",
  429: "RATE_LIMITED",
  503: "DATABASE_UNAVAILABLE",
};
const EXAMPLE_MESSAGE: Record<string, { message: string; details?: unknown }> = {
  VALIDATION_FAILED: { message: "The request is not valid", details: [{ field: "name", message: "is required" }] },
  UNAUTHENTICATED: { message: "No credential: send a Bearer token or sign in" },
  FORBIDDEN: { message: "Your role in this project does not allow this" },
  NOT_FOUND: { message: "Not found" },
  PAYLOAD_TOO_LARGE: { message: "The body is larger than 1048576 bytes" },
  IDEMPOTENCY_KEY_REUSED: { message: "This Idempotency-Key was used for a different request" },
  IDEMPOTENCY_IN_PROGRESS: { message: "A request with this Idempotency-Key is still running; retry after Retry-After" },
  RATE_LIMITED: { message: "Too many requests; try again later", details: { retry_after_ms: 1000 } },
  OVERLOADED: { message: "The server cannot keep up; nothing was done. Retry after the Retry-After header", details: { retry_after_ms: 1000 } },
};

/** "409 INVALID_TRANSITION"-style mentions in a route's text, by status. */
function namedErrors(text: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const m of text.matchAll(/\b([45]\d\d) ([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})\b/g)) {
    const status = Number(m[1]);
    if (!out.has(status)) out.set(status, new Set());
    out.get(status)!.add(m[2]!);
  }
  return out;
}

/** Example error bodies for one status: the codes the route names, else the status's usual code. */
function errorExamples(status: number, named: Set<string> | undefined, auth: boolean, idempotent: boolean) {
  const codes = new Set(named ?? []);
  if (!codes.size || status === 400 || status === 401 || status === 404 || status === 413 || status === 429) codes.add(DEFAULT_CODE[status] ?? "INTERNAL");
  if (status === 401 && !auth) codes.delete("UNAUTHENTICATED");
  if (status === 409 && idempotent) codes.add("IDEMPOTENCY_IN_PROGRESS");
  // Mutating calls are admitted before any work: past the process's publish bounds they answer 503 OVERLOADED.
  if (status === 503 && idempotent) codes.add("OVERLOADED");
  if (status === 409 && codes.size > 1) codes.delete("CONFLICT");
  if (!codes.size) codes.add(DEFAULT_CODE[status] ?? "INTERNAL");
  return Object.fromEntries(
    [...codes].map((code) => {
      const known = EXAMPLE_MESSAGE[code];
      const message = known?.message ?? code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, " ");
      return [code, { summary: `${status} ${code}`, value: { error: { code, message, ...(known?.details !== undefined ? { details: known.details } : {}) } } }];
    }),
  );
}
