import { createHash } from "node:crypto";
import { handle } from "@/lib/api/handler";
import { asyncApiJson } from "@/lib/asyncapi/document";

// The AsyncAPI 3.0 document of the realtime protocol. No credential needed, like /api/v1/openapi.json: it
// describes the protocol, not anyone's data. Built and serialised once per process; revalidated by ETag.
let etag: string | null = null;

export const GET = handle(async (req) => {
  const body = asyncApiJson();
  etag ??= `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  const headers = { "cache-control": "public, max-age=60", etag };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers: { "content-type": "application/json", ...headers } });
});
