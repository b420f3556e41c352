// Security headers: one place for what every response carries (server.ts sets them on every HTTP response,
// Next's and Socket.IO's alike) and the page CSP with a per-request nonce (proxy.ts).
// Pure functions of their arguments: proxy.ts imports this too.

/** CSP for everything that is not a page (JSON, static files, Socket.IO polling): nothing may run or embed it. */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * CSP of a page. Scripts: only those carrying this request's nonce, and what they load ('strict-dynamic');
 * Next.js puts the nonce on its own inline and external scripts when it finds it in the request's
 * Content-Security-Policy header (pages are rendered per request). Styles: same origin plus inline
 * (React `style` attributes cannot carry a nonce). Development also needs 'unsafe-eval' (React's dev tools).
 */
export function pageCsp(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // 'self' covers same-origin ws:/wss: (Socket.IO) in CSP Level 3 browsers.
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers every response carries (pages replace the CSP with pageCsp). */
export function securityHeaders(opts: { publicUrl?: string } = {}): Record<string, string> {
  const h: Record<string, string> = {
    "Content-Security-Policy": NON_PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (opts.publicUrl?.startsWith("https:")) h["Strict-Transport-Security"] = "max-age=31536000";
  return h;
}
