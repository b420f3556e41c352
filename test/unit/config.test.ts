import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig, ConfigError } from "@/lib/config";

const dir = () => mkdtempSync(path.join(tmpdir(), "sb-config-"));

describe("parseConfig", () => {
  it("applies the contract's defaults", () => {
    const d = dir();
    const c = parseConfig({ DATA_DIR: d });
    expect(c).toMatchObject({ port: 3000, host: "0.0.0.0", corsOrigins: [], allowSignup: true, databaseUrl: undefined, redisUrl: undefined });
    expect(c.repoRoots).toEqual([path.join(d, "repos")]);
    expect(c.idempotencyWindowMs).toBe(600_000);
    expect(parseConfig({ DATA_DIR: d, IDEMPOTENCY_WINDOW_MS: "5000" }).idempotencyWindowMs).toBe(5000);
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://x/y" }, "DATABASE_URL"],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL"],
    [{ REDIS_URL: "http://localhost" }, "REDIS_URL"],
    [{ CORS_ORIGINS: "*" }, "CORS_ORIGINS"],
    [{ CORS_ORIGINS: "https://ok.example, nope" }, "CORS_ORIGINS"],
    [{ ALLOW_SIGNUP: "maybe" }, "ALLOW_SIGNUP"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET"],
    [{ OPENAI_BASE_URL: "ftp://x" }, "OPENAI_BASE_URL"],
    [{ IDEMPOTENCY_WINDOW_MS: "999" }, "IDEMPOTENCY_WINDOW_MS"],
    [{ IDEMPOTENCY_WINDOW_MS: "ten minutes" }, "IDEMPOTENCY_WINDOW_MS"],
  ])("refuses %o naming %s", (env, variable) => {
    let err: unknown;
    try {
      parseConfig({ DATA_DIR: dir(), ...env });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as Error).message).toContain(variable);
    expect((err as Error).message).not.toContain("\n");
  });

  it("generates AUTH_SECRET once into DATA_DIR with mode 0600 and reuses it", () => {
    const d = dir();
    const a = parseConfig({ DATA_DIR: d }).authSecret;
    const b = parseConfig({ DATA_DIR: d }).authSecret;
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(32);
    const file = path.join(d, "auth_secret");
    expect(readFileSync(file, "utf8").trim()).toBe(a);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseConfig({ DATA_DIR: dir() }).authSecret).not.toBe(a);
  });

  it("parses CORS origins and booleans", () => {
    const c = parseConfig({ DATA_DIR: dir(), CORS_ORIGINS: "https://a.example, http://localhost:5173/", ALLOW_SIGNUP: "false" });
    expect(c.corsOrigins).toEqual(["https://a.example", "http://localhost:5173"]);
    expect(c.allowSignup).toBe(false);
  });
});
