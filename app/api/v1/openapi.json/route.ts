import { handle, json } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/openapi/document";

// The OpenAPI 3.1 document of the REST API (no credential needed).
export const GET = handle(async () => json(openApiDocument(), 200, { "cache-control": "public, max-age=60" }));
