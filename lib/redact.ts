// Secret masking for what agents, jobs, CI systems and test runs report. Services mask at their boundary,
// once, before a row or an event is stored (workflows, test results, agent metadata, agent events);
// publish() masks only event data that did not come from such a service (see isRedactedType).
//
// Linear time, by construction. The old patterns backtracked quadratically: a 60,000-character run of "-"
// took 7 s (every "-" restarted `[A-Za-z0-9_-]*` of the key=value rule over the rest of the run) and stalled
// the whole process. RE2 was measured first: `re2` (native) compiles RE2 and abseil with node-gyp on every
// install (minutes on CI) and `re2-wasm` was ~50x slower than V8 on a short agent thought (100 µs vs 2 µs for
// three rules) and 300 ms per adversarial MB. So the rules stay V8 regular expressions, written so that no
// input character is scanned by more than a constant number of match attempts:
//   - an attempt starts only at a literal prefix (`ghp_`, `eyJ`, `://`, `authorization`, a key word …) or at
//     the first character of a run (a lookbehind), never in the middle of a run another attempt scans;
//   - after an unbounded run nothing can fail (the rule matches the whole run and decides in JavaScript), or
//     what follows the run is a character the run cannot contain, so a failure costs the run's length once;
//   - no two unbounded quantifiers can share the same characters (e.g. `\s*` next to `\s*`);
//   - "at least n" is written `X{n}X*`, never `X{n,}`: V8 compiles `X{n,}` to a loop that pushes one
//     backtrack entry per character (30 MB and ~1 s for a 1 MB run), while `X*` steps back without a stack.
// test/unit/redact.test.ts redacts a 1 MB worst case per rule within a time bound, and the common case
// (no trigger word) is answered by one pre-check. Redaction is pattern-based: it masks what looks like a
// secret (known token formats, credentials in URLs and headers, values of secret-named keys), not secrets
// in free-form prose.

export const MASK = "****";

/** At most this many characters are scanned per redact() call; the rest of a larger value is dropped. */
export const MAX_REDACT_CHARS = 1_048_576;

type Rule = { name: string; apply: (s: string) => string };

const keep = (prefix: string) => `${prefix}${MASK}`;

/** A global regex replace: `re` must satisfy the linear-time rules above. */
const rx = (name: string, re: RegExp, replace: (m: string, ...groups: string[]) => string): Rule => ({
  name,
  apply: (s) => s.replace(re, replace as (m: string, ...g: unknown[]) => string),
});

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,8}PRIVATE KEY-----/g;
const PEM_END = /-----END (?:[A-Z0-9]+ ){0,8}PRIVATE KEY-----/g;
const PEM_MASKED = `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`;

/** PEM private keys: the whole block, or a truncated one up to the end of the string. */
function maskPem(s: string): string {
  if (!s.includes("-----BEGIN ")) return s;
  let out = "";
  let from = 0;
  PEM_BEGIN.lastIndex = 0;
  for (let m = PEM_BEGIN.exec(s); m; m = PEM_BEGIN.exec(s)) {
    PEM_END.lastIndex = PEM_BEGIN.lastIndex;
    const end = PEM_END.exec(s);
    out += s.slice(from, m.index) + PEM_MASKED;
    from = end ? PEM_END.lastIndex : s.length;
    PEM_BEGIN.lastIndex = from;
  }
  PEM_BEGIN.lastIndex = 0;
  return from === 0 ? s : out + s.slice(from);
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** [A-Za-z0-9+.-] */
const isSchemeChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
const USERINFO = /([^\s:/?#@]*):([^\s/?#@]+)@/y;

/**
 * Each "://" is looked at once: the scheme before it (a run of scheme characters with a letter, at most 64
 * looked at) and the userinfo after it (a sticky match that stops at the first "/", so it never reaches the
 * next "://").
 */
function maskUrlCredentials(s: string): string {
  let at = s.indexOf("://");
  if (at < 0) return s;
  let out = "";
  let from = 0;
  while (at >= 0) {
    const after = at + 3;
    let letter = false;
    for (let i = at - 1; i >= Math.max(from, at - 64) && isSchemeChar(s.charCodeAt(i)); i--) letter ||= isLetter(s.charCodeAt(i));
    if (letter) {
      USERINFO.lastIndex = after;
      const m = USERINFO.exec(s);
      if (m) {
        out += `${s.slice(from, after)}${m[1]}:${MASK}@`;
        from = USERINFO.lastIndex;
        at = s.indexOf("://", from);
        continue;
      }
    }
    at = s.indexOf("://", after);
  }
  return from === 0 ? s : out + s.slice(from);
}

const RULES: Rule[] = [
  { name: "pem", apply: maskPem },
  // Credentials in URLs: scheme://user:pass@host → scheme://user:****@host (user may be empty: redis://:pw@h).
  { name: "url-credentials", apply: maskUrlCredentials },
  // Authorization headers: whatever follows the scheme (no two whitespace runs next to each other).
  rx(
    "authorization",
    /\b(authorization["']?\s*[:=]\s*(?:["']\s*)?(?:(?:Bearer|Basic|Token)\s+)?)[^\s"',;]{6}[^\s"',;]*/gi,
    (_m, head) => `${head}${MASK}`,
  ),
  // Bearer/Basic credentials elsewhere: only credential-looking words (a digit or symbol), not "Basic authentication"
  rx("bearer", /\b(Bearer|Basic)\s+(?=[A-Za-z0-9\-._~+/]*[0-9\-._~+/=])[A-Za-z0-9\-._~+/]{8}[A-Za-z0-9\-._~+/]*=*/g, (_m, scheme) => `${scheme} ${MASK}`),
  // JWTs (three base64url parts, header starts with eyJ): the candidate takes its whole run and up to two
  // more dotted parts (it cannot fail once started), then JavaScript checks the shape.
  rx("jwt", /\beyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}/g, (m) => {
    const parts = m.split(".");
    return parts.length === 3 && parts[0]!.length >= 8 && parts[1]!.length >= 5 && parts[2]!.length >= 5 ? MASK : m;
  }),
  // Switchboard API tokens
  rx("switchboard", /\b(sb_(?:pat|agt)_)[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*/g, (_m, p) => keep(p)),
  // GitHub tokens
  rx("github", /\b(gh[pousr]_)[A-Za-z0-9]{20}[A-Za-z0-9]*/g, (_m, p) => keep(p)),
  rx("github-pat", /\b(github_pat_)[A-Za-z0-9_]{20}[A-Za-z0-9_]*/g, (_m, p) => keep(p)),
  // Stripe keys
  rx("stripe", /\b((?:sk|rk|pk)_(?:live|test)_)[A-Za-z0-9]{10}[A-Za-z0-9]*/g, (_m, p) => keep(p)),
  // OpenAI / Anthropic style keys (sk-..., sk-proj-..., sk-ant-...)
  rx("openai", /\b(sk-)[A-Za-z0-9_-]{16}[A-Za-z0-9_-]*/g, (_m, p) => keep(p)),
  // AWS access key ids
  rx("aws", /\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{4})[A-Z0-9]{12}\b/g, (_m, p) => keep(p)),
  // Slack tokens and webhooks
  rx("slack", /\b(xox[abposr]-)[A-Za-z0-9-]{10}[A-Za-z0-9-]*/g, (_m, p) => keep(p)),
  rx("slack-webhook", /(https:\/\/hooks\.slack\.com\/services\/)[A-Za-z0-9/]+/g, (_m, p) => keep(p)),
  // Google API keys
  rx("google", /\b(AIza)[A-Za-z0-9_-]{35}/g, (_m, p) => keep(p)),
  // key=value / key: value assignments whose key ends with a secret word (env lines, JSON, YAML, CLI flags).
  // The attempt starts at the key word itself (not at the start of the identifier, which made every
  // identifier character a new start), and the value class shares no character with the separators.
  rx(
    "secret-assignment",
    /((?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth)["']?\s*[:=]\s*["']?)([^\s"',;&}]{3}[^\s"',;&}]*)/gi,
    (_m, head, value) => (value === MASK || value.endsWith(MASK) ? `${head}${value}` : `${head}${MASK}`),
  ),
];

/** Rule names, in the order they run (the unit test crafts a worst case for each). */
export const RULE_NAMES = RULES.map((r) => r.name);

// Every rule's match contains one of these (case-insensitively): a string without any is left alone after
// one linear scan, which is the common case (an agent's thought, a log line).
const TRIGGER =
  /-----BEGIN |:\/\/|auth|bearer|basic|eyJ|sb_(?:pat|agt)_|gh[pousr]_|github_pat_|_live_|_test_|sk-|A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)|xox|AIza|passw|pwd|secret|token|key/i;

/** Mask what looks like a secret in one string (linear in its length). */
export function redactString(s: string): string {
  if (s.length < 6 || !TRIGGER.test(s)) return s;
  let out = s;
  for (const r of RULES) out = r.apply(out);
  return out;
}

const SECRET_KEY = /^(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|private[_-]?key|client[_-]?secret|authorization|cookie)$/i;

type Budget = { left: number };

function over(s: string, budget: Budget): string {
  const kept = Math.max(0, budget.left);
  budget.left = 0;
  return `${redactString(s.slice(0, kept))}…[${s.length - kept} characters removed: over the masking limit]`;
}

function walk<T>(value: T, depth: number, budget: Budget): T {
  if (depth > 20) return value;
  if (typeof value === "string") {
    if (value.length > budget.left) return over(value, budget) as T;
    budget.left -= value.length;
    return redactString(value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, budget)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = typeof v === "string" && v && SECRET_KEY.test(k) ? MASK : walk(v, depth + 1, budget);
    }
    return out as T;
  }
  return value;
}

/**
 * Deeply mask secrets in strings; values under keys that name a secret are masked whole. Bounded work: at
 * most MAX_REDACT_CHARS characters are scanned per call; beyond that, strings are cut (never passed raw).
 */
export function redact<T>(value: T, depth = 0): T {
  return walk(value, depth, { left: MAX_REDACT_CHARS });
}

/** Event types whose data publish() masks unless the service says it already did (publish's `masked`). */
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
