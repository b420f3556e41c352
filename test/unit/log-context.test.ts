// The request context of log lines and audit entries (lib/log-context.ts) and the logger's redaction.
import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import pino from "pino";
import { REDACT_PATHS, logger } from "@/lib/logger";
import { logContext, requestIdFrom, runWithContext, setContext, traceIdFrom } from "@/lib/log-context";

const headers = (h: Record<string, string>) => ({ get: (k: string) => h[k.toLowerCase()] ?? null });

describe("request and trace ids", () => {
  it("keeps a plain client X-Request-Id and replaces anything else", () => {
    expect(requestIdFrom("abc-123.x:y_z")).toBe("abc-123.x:y_z");
    for (const bad of ["", "a b", "x".repeat(65), "id\nforged: line", undefined, ["a", "b"]]) {
      const id = requestIdFrom(bad as never);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("takes the trace id of a W3C traceparent, else X-Trace-Id, else a new one", () => {
    expect(traceIdFrom(headers({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }))).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(traceIdFrom(headers({ traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "x-trace-id": "t-1" }))).toBe("t-1");
    expect(traceIdFrom(headers({ "x-trace-id": "no spaces allowed" }))).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdFrom(headers({}))).toMatch(/^[0-9a-f]{32}$/);
  });

  it("carries the context through awaits, per run, and lets a run add to it", async () => {
    const seen: unknown[] = [];
    await Promise.all(
      ["a", "b"].map((id) =>
        runWithContext({ request_id: id }, async () => {
          await new Promise((r) => setTimeout(r, 5));
          setContext({ user_id: `u-${id}` });
          await new Promise((r) => setTimeout(r, 5));
          seen.push(logContext());
        }),
      ),
    );
    expect(seen).toEqual(expect.arrayContaining([{ request_id: "a", user_id: "u-a" }, { request_id: "b", user_id: "u-b" }]));
    expect(logContext()).toBeUndefined();
  });
});

describe("the logger and the context", () => {
  it("a line's own fields do not stick to the request's context", () => {
    runWithContext({ request_id: "r-1" }, () => {
      logger().warn({ reason: "only-this-line" }, "test line");
      expect(logContext()).toEqual({ request_id: "r-1" });
    });
  });
});

describe("redaction", () => {
  it("never writes passwords, tokens, secrets, cookies or Authorization headers", () => {
    let out = "";
    const sink = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, sink);
    log.info({ password: "hunter2-secret", body: { current_password: "old-secret", token: "sb_inv_secret" }, headers: { authorization: "Bearer jwt-secret", cookie: "next-auth.session-token=cookie-secret" } }, "x");
    expect(out).not.toMatch(/hunter2-secret|old-secret|sb_inv_secret|jwt-secret|cookie-secret/);
    expect(out).toContain("[redacted]");
  });
});
