// Redaction cannot be used against us (issue #10, attack 2): every rule meets its worst case at 1 MB in
// linear time. Time is the CPU time of this process (best of 3), not the wall clock, so a busy shared machine
// does not decide the result; the same harness flags the old key=value pattern at 1/64 of the size.
import { describe, expect, it } from "vitest";
import { MASK, MAX_REDACT_CHARS, RULE_NAMES, redact, redactString } from "@/lib/redact";
import { OLD_RULES, oldRedactString } from "./fixtures/redact-old";

const MB = 1_000_000;
/** CPU milliseconds allowed per million characters for a whole redactString() call. */
const BUDGET_MS_PER_MB = 100;

const rep = (unit: string, n = MB) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const tail = (head: string, unit: string) => head + rep(unit, MB - head.length);

/** Worst cases per rule: long runs of its prefix characters, prefixes that never complete, separators. */
const WORST: Record<string, Record<string, string>> = {
  pem: {
    "repeated -----BEGIN ": rep("-----BEGIN "),
    "BEGIN and one endless word": tail("-----BEGIN ", "A"),
    "BEGIN words without PRIVATE": rep("-----BEGIN A "),
    "headers without END": rep("-----BEGIN RSA PRIVATE KEY-----"),
    "END words without PRIVATE": "-----BEGIN PRIVATE KEY-----" + rep("-----END A A "),
  },
  "url-credentials": {
    "repeated a://": rep("a://"),
    "a-a-a (scheme run)": rep("a-"),
    "endless scheme": tail("", "a") + "://",
    "endless user": tail("a://", "b"),
    "endless password": tail("a://b:", "c"),
    "repeated a://b:": rep("a://b:"),
    "repeated a://:": rep("a://:"),
  },
  authorization: {
    "repeated authorization:": rep("authorization:"),
    "authorization: and spaces": tail("authorization:", " "),
    'authorization": and spaces': tail('authorization":', " "),
    "authorization: Bearer and spaces": tail("authorization: Bearer", " "),
    "authorization=' and spaces": tail("authorization='", " "),
    "repeated authorization: token ": rep("authorization: token "),
  },
  bearer: {
    "repeated Bearer ": rep("Bearer "),
    "Bearer and spaces": tail("Bearer", " "),
    "Bearer and one endless word": tail("Bearer ", "a"),
    "repeated Bearer -": rep("Bearer -"),
    "repeated Basic and tab": rep("Basic\t"),
  },
  jwt: {
    "repeated eyJ": rep("eyJ"),
    "repeated -eyJ": rep("-eyJ"),
    "repeated eyJaaaaa.": rep("eyJaaaaa."),
    "repeated -eyJaaaaa.aaaaa": rep("-eyJaaaaa.aaaaa"),
    "two endless parts": "eyJ" + rep("a", MB / 2) + "." + rep("b", MB / 2),
  },
  switchboard: { "repeated sb_pat_": rep("sb_pat_"), "repeated -sb_agt_a": rep("-sb_agt_a"), "endless token": tail("sb_agt_", "a") },
  github: { "repeated ghp_": rep("ghp_"), "19 characters short": rep("ghp_aaaaaaaaaaaaaaaaaaa "), "repeated -gho_a": rep("-gho_a") },
  "github-pat": { "repeated github_pat_": rep("github_pat_"), "repeated -github_pat_a": rep("-github_pat_a") },
  stripe: { "repeated sk_live_": rep("sk_live_"), "9 characters short": rep("sk_test_aaaaaaaaa ") },
  openai: { "repeated sk-": rep("sk-"), "repeated -sk-a": rep("-sk-a"), "endless key": tail("sk-", "a") },
  aws: { "repeated AKIA": rep("AKIA"), "endless key id": tail("AKIA", "A") },
  slack: { "repeated xoxb-": rep("xoxb-"), "repeated -xoxp-aaaaaaaaa": rep("-xoxp-aaaaaaaaa") },
  "slack-webhook": { "repeated webhook prefix": rep("https://hooks.slack.com/services/"), "endless path": tail("https://hooks.slack.com/services/", "a/") },
  google: { "repeated AIza": rep("AIza"), "34 characters short": rep("-AIza" + "a".repeat(34)) },
  "secret-assignment": {
    'attack 2: "-" x 1 MB': rep("-"),
    "repeated password=": rep("password="),
    "password and spaces": tail("password", " "),
    "a-a-a (identifier run)": rep("a-"),
    "secret: and spaces": tail("secret:", " "),
    'token" and spaces': tail('token"', " "),
    "repeated api_key": rep("api_key"),
    "repeated passwordpassword": rep("password"),
    "repeated ghp_ (identifier run)": rep("ghp_"),
  },
};

const NEUTRAL: Record<string, string> = {
  spaces: rep(" "),
  newlines: rep("\n"),
  quotes: rep(`"'`),
  digits: rep("1"),
  prose: rep("The quick brown fox reads the token count and the key insight. "),
  "every trigger": rep("password=ghp_eyJ.a://b:c@ Bearer x-----BEGIN sk-AIza xoxb-AKIA sb_pat_ auth:"),
};

/** Best-of-3 CPU time of fn in milliseconds. */
function cpuMs(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    fn();
    const d = process.cpuUsage(start);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

describe("redaction runs in linear time", () => {
  it("has a worst case for every rule", () => {
    expect(Object.keys(WORST).sort()).toEqual([...RULE_NAMES].sort());
  });

  const cases = [
    ...Object.entries(WORST).flatMap(([rule, inputs]) => Object.entries(inputs).map(([name, s]) => [`${rule}: ${name}`, s] as const)),
    ...Object.entries(NEUTRAL).map(([name, s]) => [`no secret: ${name}`, s] as const),
  ];

  it.each(cases)(`%s — 1 MB in under ${BUDGET_MS_PER_MB} ms of CPU`, (_name, input) => {
    redactString(input.slice(0, 2000)); // compiled before it is timed
    const ms = cpuMs(() => redactString(input));
    expect(ms, `${ms.toFixed(1)} ms for ${input.length} characters`).toBeLessThan((BUDGET_MS_PER_MB * input.length) / MB);
  });

  it("the same measure flags the old key=value rule (attack 2) at 1/64 of the size", () => {
    const old = OLD_RULES.at(-1)!;
    const input = rep("-", MB / 64);
    const ms = cpuMs(() => input.replace(old.re, old.replace as (m: string, ...g: string[]) => string));
    expect(ms).toBeGreaterThan(BUDGET_MS_PER_MB / 64);
  });

  it("a short agent thought is masked faster than before", () => {
    const thoughts = [
      "I am looking at src/app.ts: the handler returns early when the session is missing, so the test fails",
      "Reading the workspace to pick the files that matter for this request",
      "Running 12 tests, 3 failed",
      "The build used 1234 tokens and the key insight is that the cache is cold",
    ];
    const loop = (f: (s: string) => string) => () => {
      for (let i = 0; i < 20_000; i++) for (const t of thoughts) f(t);
    };
    loop(redactString)();
    loop(oldRedactString)();
    const now = cpuMs(loop(redactString));
    const before = cpuMs(loop(oldRedactString));
    expect(now).toBeLessThan(before);
  });
});

describe("redact() does bounded work per call", () => {
  it(`scans at most ${MAX_REDACT_CHARS} characters per call and cuts what is beyond, never passing it raw`, () => {
    const secret = ["ghp_", "z".repeat(36)].join("");
    const big = rep("x", 700_000);
    const out = redact({ a: big, b: `${big} ${secret}`, c: secret });
    expect(out.a).toBe(big);
    expect(out.b).toMatch(/characters removed: over the masking limit\]$/);
    expect(out.b.length).toBeLessThan(MAX_REDACT_CHARS);
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(out.c).not.toContain(secret);
  });

  it("a 1 MB object of adversarial strings is masked within the budget", () => {
    const value = { logs: Array.from({ length: 500 }, () => rep("-eyJa", 2000)), result: { text: rep("a://b:", 100_000) } };
    const ms = cpuMs(() => redact(value));
    expect(ms).toBeLessThan(BUDGET_MS_PER_MB * 1.1);
    expect(redact({ t: `x ${["sk-", "A".repeat(20)].join("")}` }).t).toBe(`x sk-${MASK}`);
  });
});
