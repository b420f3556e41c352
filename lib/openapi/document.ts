import { OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { registry } from "./registry";
// Each domain's routes (side-effect imports register them).
import "./paths/index";

let cached: ReturnType<OpenApiGeneratorV31["generateDocument"]> | null = null;

/** The OpenAPI 3.1 document of the whole REST API. */
export function openApiDocument() {
  cached ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version: "1.0.0",
      description: "REST API of Switchboard. Realtime events use Socket.IO on the same origin; see docs/PROTOCOL.md.",
    },
    servers: [{ url: "/" }],
  });
  return cached;
}
