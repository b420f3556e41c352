import { handle } from "@/lib/api/handler";
import { staticJson } from "@/lib/api/static-json";
import { openApiJson } from "@/lib/openapi/document";

// The OpenAPI 3.1 document of the REST API (no credential needed); built and serialised once per process.
export const GET = handle(async (req) => staticJson(req, openApiJson, openApiJson));
