import { describe, expect, it } from "vitest";
import { MASK, isRedactedType, redact, redactString } from "@/lib/redact";

// Test fixtures are assembled at runtime so the repository holds no secret-shaped literals.
const j = (...p: string[]) => p.join("");
const OPENAI = j("sk-", "proj-", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4");
const GHP = j("ghp_", "a".repeat(36));
const GHO = j("gho_", "B".repeat(36));
const GH_PAT = j("github_pat_", "11ABCDEFG0", "x".repeat(40));
const AWS = j("AKIA", "IOSFODNN7EXAMPLE");
const SLACK = j("xox", "b-", "1234567890-abcdefghijklmnop");
const STRIPE = j("sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc");
const SB = j("sb_agt_", "Zm9vYmFyYmF6cXV4cXV1eHh5enp6enp6enp6enp6");
const JWT = j("eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", ".", "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk");
const PEM = j("-----BEGIN RSA ", "PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nabcdef\n-----END RSA ", "PRIVATE KEY-----");

describe("redactString masks secrets", () => {
  it.each([
    ["OpenAI key", `key is ${OPENAI} ok`, OPENAI],
    ["GitHub ghp_", `token ${GHP}`, GHP],
    ["GitHub gho_", `x ${GHO}`, GHO],
    ["GitHub fine-grained", `${GH_PAT}`, GH_PAT],
    ["AWS access key id", `aws ${AWS} here`, AWS],
    ["Slack", `slack ${SLACK}`, SLACK],
    ["Stripe live key", `stripe ${STRIPE}`, STRIPE],
    ["Switchboard token", `use ${SB}`, SB],
    ["JWT", `jwt ${JWT}`, JWT],
    ["PEM private key", `key:\n${PEM}\nafter`, "MIIEowIBAAKCAQEA7bq"],
  ])("%s", (_name, input, secret) => {
    const out = redactString(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(MASK);
  });

  it("keeps the recognisable prefix of a token", () => {
    expect(redactString(`t=${GHP}`)).not.toContain(GHP);
    expect(redactString(`use ${SB}`)).toBe(`use sb_agt_${MASK}`);
  });

  it("masks the password of a URL but keeps user and host", () => {
    expect(redactString("git clone https://alice:s3cr3t-pw@github.com/o/r.git")).toBe(`git clone https://alice:${MASK}@github.com/o/r.git`);
    expect(redactString("postgres://app:hunter22@db:5432/x")).toBe(`postgres://app:${MASK}@db:5432/x`);
  });

  it("masks Authorization headers and Bearer credentials", () => {
    expect(redactString("Authorization: Bearer abcdefghijklmnop")).toBe(`Authorization: Bearer ${MASK}`);
    expect(redactString('{"Authorization":"Basic dXNlcjpwYXNz"}')).toBe(`{"Authorization":"Basic ${MASK}"}`);
    expect(redactString("curl -H 'authorization: token abc123def456'")).toBe(`curl -H 'authorization: token ${MASK}'`);
    expect(redactString("sent Bearer a1b2c3d4e5f6g7 to the API")).toBe(`sent Bearer ${MASK} to the API`);
  });

  it("masks a URL password with an empty user, and several URLs in one line", () => {
    expect(redactString("redis://:hunter22@cache:6379/0")).toBe(`redis://:${MASK}@cache:6379/0`);
    expect(redactString("a https://u:p1@h.example/x and ssh://git:p2@h.example:22")).toBe(`a https://u:${MASK}@h.example/x and ssh://git:${MASK}@h.example:22`);
    expect(redactString("see https://example.com/a?b=c://d and x://@y")).toBe("see https://example.com/a?b=c://d and x://@y");
  });

  it("masks every PEM block, and a truncated one to the end", () => {
    const two = `${PEM}\nmiddle\n${PEM.replace("RSA ", "EC ")}\nend`;
    const out = redactString(two);
    expect(out).not.toContain("MIIEowIBAAKCAQEA7bq");
    expect(out).toContain("\nmiddle\n");
    expect(out.endsWith("\nend")).toBe(true);
    expect(redactString(`x ${PEM.slice(0, 50)}`)).toBe(`x -----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`);
  });

  it("masks a JWT glued to a dash, and only its three parts", () => {
    expect(redactString(`token-${JWT}.extra`)).toBe(`token-${MASK}.extra`);
    expect(redactString("eyJhbGciOi.short.x is not a token")).toBe("eyJhbGciOi.short.x is not a token");
  });

  it("masks an Authorization header with spaces and quotes around its parts", () => {
    expect(redactString("Authorization:   Bearer   abcdefgh12")).toBe(`Authorization:   Bearer   ${MASK}`);
    expect(redactString("authorization = ' Token abcdef123'")).toBe(`authorization = ' Token ${MASK}'`);
  });

  it.each([
    ["password=hunter22", `password=${MASK}`],
    ["DB_PASSWORD: 'hunter22'", `DB_PASSWORD: '${MASK}'`],
    ["secret=abc123 next", `secret=${MASK} next`],
    ["--token=abcdef", `--token=${MASK}`],
    ['{"api_key": "abcdef12"}', `{"api_key": "${MASK}"}`],
    ["GITHUB_TOKEN=xyz123", `GITHUB_TOKEN=${MASK}`],
  ])("masks the value of %s", (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    "Running 12 tests, 3 failed",
    "total_tokens: 1234",
    "author: Jane Doe",
    "see https://example.com/path?q=1",
    "a sketch of the sk-learn pipeline",
    "tokenizer=bpe",
    "Basic authentication failed for the proxy",
    "Token verification failed",
    "Bearer authentication is required",
  ])("leaves ordinary text alone: %s", (s) => {
    expect(redactString(s)).toBe(s);
  });
});

describe("redact walks objects", () => {
  it("masks nested strings and values under secret-named keys, keeps other types", () => {
    const input = {
      content: `env has ${OPENAI}`,
      arguments: { password: "pw-123456", headers: { authorization: "Basic dXNlcjpwYXNz" }, count: 3, ok: true, none: null },
      list: [`x ${GHP}`, 42],
    };
    const out = redact(input);
    expect(out).toEqual({
      content: `env has sk-${MASK}`,
      arguments: { password: MASK, headers: { authorization: MASK }, count: 3, ok: true, none: null },
      list: [`x ghp_${MASK}`, 42],
    });
    expect(input.content).toContain(OPENAI); // the input is not mutated
  });

  it("applies to agent, workflow and job output types only", () => {
    for (const t of ["agent:thought", "agent:tool_call", "agent:result", "agent:error", "agent.status_changed", "workflow.progress", "workflow.failed", "job_log", "test_result"]) {
      expect(isRedactedType(t)).toBe(true);
    }
    for (const t of ["project.updated", "vibecode_chunk", "member.added"]) expect(isRedactedType(t)).toBe(false);
  });
});
