// A JSON document that depends on the code only (the OpenAPI and AsyncAPI documents): serialised once by its
// builder, answered with a strong ETag and 304 to a matching If-None-Match, cacheable for a minute.
import { createHash } from "node:crypto";

const etags = new WeakMap<object, string>();
const etagOf = (body: string) => `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;

/** A GET handler's answer for `json()` (a function returning the same serialised string every time). */
export function staticJson(req: Request, json: () => string, key: object): Response {
  const body = json();
  let etag = etags.get(key);
  if (!etag) etags.set(key, (etag = etagOf(body)));
  const headers = { "cache-control": "public, max-age=60", etag };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers: { "content-type": "application/json", ...headers } });
}
