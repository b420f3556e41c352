import { OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { registry } from "./registry";
// Each domain's routes (side-effect imports register them).
import "./paths/index";

let cached: ReturnType<OpenApiGeneratorV31["generateDocument"]> | null = null;
let cachedJson: string | null = null;

/** The document serialised once (GET /api/v1/openapi.json answers these bytes). */
export function openApiJson(): string {
  cachedJson ??= JSON.stringify(openApiDocument());
  return cachedJson;
}

/** The OpenAPI 3.1 document of the whole REST API. */
export function openApiDocument() {
  cached ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version: "1.0.0",
      description:
        "REST API of Switchboard. Authenticate with `Authorization: Bearer <token>` (a JWT from POST /api/v1/auth/token, or an API token from POST /api/v1/tokens) or, in the browser, the signed-in session cookie. Every error is `{error: {code, message, details?}}` (codes: lib/contract/errors.ts). Realtime events use Socket.IO on the same origin: its AsyncAPI document is /api/v1/asyncapi.json (reference: /docs/realtime); the whole contract in prose is docs/PROTOCOL.md.",
    },
    servers: [{ url: "/" }],
  });
  return cached;
}
