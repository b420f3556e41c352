import { handle } from "@/lib/api/handler";
import { staticJson } from "@/lib/api/static-json";
import { asyncApiJson } from "@/lib/asyncapi/document";

// The AsyncAPI 3.0 document of the realtime protocol. No credential needed, like /api/v1/openapi.json: it
// describes the protocol, not anyone's data. Built and serialised once per process; revalidated by ETag.
export const GET = handle(async (req) => staticJson(req, asyncApiJson, asyncApiJson));
