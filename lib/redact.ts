// Secret redaction for what agents and jobs report (agent:*, agent.*, workflow.* logs/errors, job_log,
// test_result errors). Applied once, in publish(), before an event is stored or fanned out.
//
// Hand-written patterns: the maintained secret-scanning sets on npm (secretlint's rule presets, gitleaks'
// TOML) are detectors that report findings in files, not string maskers, and pull in a large rule engine;
// `redact-secrets` (last release 2016) masks whole values by key name only. The patterns below follow the
// documented token formats (GitHub, OpenAI, AWS, Slack, Stripe, JWT, PEM) and our own sb_ tokens.

export const MASK = "****";

type Rule = { re: RegExp; replace: (m: string, ...groups: string[]) => string };

const keep = (prefix: string) => `${prefix}${MASK}`;

const RULES: Rule[] = [
  // PEM private keys (whole block, or a truncated one up to the end of the string)
  {
    re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g,
    replace: () => `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`,
  },
  // Credentials in URLs: scheme://user:pass@host → scheme://user:****@host
  { re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]+):([^\s/?#@]+)@/gi, replace: (_m, head) => `${head}:${MASK}@` },
  // Authorization headers: whatever follows the scheme
  {
    re: /\b(authorization["']?\s*[:=]\s*["']?(?:Bearer|Basic|Token)?\s*)[^\s"',;]{6,}/gi,
    replace: (_m, head) => `${head}${MASK}`,
  },
  // Bearer/Basic credentials elsewhere: only credential-looking words (a digit or symbol), not "Basic authentication"
  { re: /\b(Bearer|Basic)\s+(?=[A-Za-z0-9\-._~+/]*[0-9\-._~+/=])[A-Za-z0-9\-._~+/]{8,}=*/g, replace: (_m, scheme) => `${scheme} ${MASK}` },
  // JWTs (three base64url parts, header starts with eyJ)
  { re: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, replace: () => MASK },
  // Switchboard API tokens
  { re: /\b(sb_(?:pat|agt)_)[A-Za-z0-9_-]{8,}/g, replace: (_m, p) => keep(p) },
  // GitHub tokens
  { re: /\b(gh[pousr]_)[A-Za-z0-9]{20,}/g, replace: (_m, p) => keep(p) },
  { re: /\b(github_pat_)[A-Za-z0-9_]{20,}/g, replace: (_m, p) => keep(p) },
  // Stripe keys
  { re: /\b((?:sk|rk|pk)_(?:live|test)_)[A-Za-z0-9]{10,}/g, replace: (_m, p) => keep(p) },
  // OpenAI / Anthropic style keys (sk-..., sk-proj-..., sk-ant-...)
  { re: /\b(sk-)[A-Za-z0-9_-]{16,}/g, replace: (_m, p) => keep(p) },
  // AWS access key ids
  { re: /\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{4})[A-Z0-9]{12}\b/g, replace: (_m, p) => keep(p) },
  // Slack tokens and webhooks
  { re: /\b(xox[abposr]-)[A-Za-z0-9-]{10,}/g, replace: (_m, p) => keep(p) },
  { re: /(https:\/\/hooks\.slack\.com\/services\/)[A-Za-z0-9/]+/g, replace: (_m, p) => keep(p) },
  // Google API keys
  { re: /\b(AIza)[A-Za-z0-9_-]{35}/g, replace: (_m, p) => keep(p) },
  // key=value / key: value assignments whose key names a secret (env lines, JSON, YAML, CLI flags)
  {
    re: /((?:^|[^A-Za-z0-9])(?:[A-Za-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth))["']?\s*[:=]\s*["']?)([^\s"',;&}]{3,})/gi,
    replace: (_m, head, value) => (value === MASK || value.endsWith(MASK) ? `${head}${value}` : `${head}${MASK}`),
  },
];

/** Mask what looks like a secret in one string. */
export function redactString(s: string): string {
  if (s.length < 6) return s;
  let out = s;
  for (const r of RULES) out = out.replace(r.re, r.replace as (m: string, ...g: string[]) => string);
  return out;
}

const SECRET_KEY = /^(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|private[_-]?key|client[_-]?secret|authorization|cookie)$/i;

/** Deeply mask secrets in strings; values under keys that name a secret are masked whole. */
export function redact<T>(value: T, depth = 0): T {
  if (depth > 20) return value;
  if (typeof value === "string") return redactString(value) as T;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = typeof v === "string" && v && SECRET_KEY.test(k) ? MASK : redact(v, depth + 1);
    }
    return out as T;
  }
  return value;
}

/** Event types whose data is redacted before it is stored or sent. */
export function isRedactedType(type: string): boolean {
  return (
    type.startsWith("agent:") ||
    type.startsWith("agent.") ||
    type.startsWith("workflow.") ||
    type === "job_log" ||
    type === "test_result" ||
    type === "job_error" ||
    type === "test_completed"
  );
}
