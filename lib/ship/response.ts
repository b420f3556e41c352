/** A patch mailbox as a download. */
export function mailbox(p: { filename: string; body: string }): Response {
  return new Response(p.body, {
    status: 200,
    headers: { "content-type": "text/x-patch; charset=utf-8", "content-disposition": `attachment; filename="${p.filename}"`, "cache-control": "no-store" },
  });
}
