/** Where to go after signing in: only a path on this site ("/…"), never another origin. */
export function safeCallbackUrl(raw: string | string[] | null | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return "/";
  try {
    const url = new URL(value, "http://switchboard.invalid");
    const path = url.pathname + url.search + url.hash;
    return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/signin") && !path.startsWith("/signup") ? path : "/";
  } catch {
    return "/";
  }
}
