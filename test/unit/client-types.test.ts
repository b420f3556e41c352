// Type-level tests of @switchboard/client: `npm run typecheck` (tsc over the whole repository) checks every
// expectTypeOf and @ts-expect-error below — a handler's envelope narrows on `type` and on `types`, commands'
// payloads and REST bodies are the contract's, and errors carry the contract's codes. Vitest runs the file too
// (expectTypeOf is a no-op at run time; the few runtime checks keep it honest).
import { describe, expect, expectTypeOf, it } from "vitest";
import { SwitchboardError, connect, type AnyEnvelope, type EnvelopeFor, type ErrorCode, type SwitchboardClient } from "@switchboard/client";

// Never called: only type-checked.
function typeChecks(sb: SwitchboardClient) {
  sb.subscribe({ project_id: "p" }, (env) => {
    expectTypeOf(env).toEqualTypeOf<AnyEnvelope>();
    if (env.type === "workflow.progress") {
      expectTypeOf(env.data.progress).toEqualTypeOf<number>();
      // @ts-expect-error a progress event has no `content`
      void env.data.content;
    }
    switch (env.type) {
      case "agent:thought":
        expectTypeOf(env.data.content).toEqualTypeOf<string>();
        break;
      case "test_result":
        expectTypeOf(env.data.name).toEqualTypeOf<string>();
        break;
    }
  });
  sb.subscribe(
    "workflow:00000000-0000-4000-8000-000000000000",
    (env) => {
      expectTypeOf(env).toEqualTypeOf<EnvelopeFor<"workflow.cancelled" | "agent:tool_call">>();
      expectTypeOf(env.type).toEqualTypeOf<"workflow.cancelled" | "agent:tool_call">();
      if (env.type === "agent:tool_call") expectTypeOf(env.data.tool_name).toEqualTypeOf<string>();
    },
    { types: ["workflow.cancelled", "agent:tool_call"] },
  );
  // @ts-expect-error not an event type
  sb.subscribe("global", () => {}, { types: ["workflow.nope"] });
  // @ts-expect-error a thought is text
  void sb.agent.thought("w", { content: "x" });
  // @ts-expect-error a tool call needs tool_name, status and message
  void sb.agent.toolCall("w", { tool_name: "grep" });
  // @ts-expect-error agents report online, busy, idle or error
  void sb.agent.status("offline");
  // @ts-expect-error progress is a number (the body type comes from the OpenAPI document)
  void sb.workflows.progress("w", { progress: "50" });
  // @ts-expect-error unknown command
  void sb.send("agent:dance", {});
  expectTypeOf(sb.send("ping", {})).resolves.toEqualTypeOf<{ status: "pong"; server_time: string }>();
  expectTypeOf(sb.workflows.start("p", { name: "n" })).resolves.toHaveProperty("estimated_time_remaining");
  // REST responses are typed by path and method.
  void sb.rest.GET("/api/v1/workflows/{id}", { params: { path: { id: "w" } } }).then((r) => {
    if (r.data) expectTypeOf(r.data.status).toEqualTypeOf<"pending" | "running" | "completed" | "failed" | "cancelled">();
  });
  // @ts-expect-error not a path of the API
  void sb.rest.GET("/api/v1/nowhere");
}

describe("@switchboard/client types", () => {
  it("errors narrow by code", () => {
    const e: unknown = new SwitchboardError("INVALID_TRANSITION", "done", { status: "completed" }, 409);
    expect(SwitchboardError.is(e, "INVALID_TRANSITION", "NOT_FOUND")).toBe(true);
    if (SwitchboardError.is(e, "INVALID_TRANSITION", "NOT_FOUND")) expectTypeOf(e.code).toEqualTypeOf<"INVALID_TRANSITION" | "NOT_FOUND">();
    expectTypeOf<ErrorCode>().toExtend<SwitchboardError["code"]>();
    // @ts-expect-error not a code of the contract or the client
    void new SwitchboardError("OOPS", "x");
    expect(SwitchboardError.is(new Error("x"))).toBe(false);
    expect(typeof typeChecks).toBe("function");
  });

  it("connect() refuses a missing token and a malformed URL before any network", () => {
    expect(() => connect({ url: "http://localhost:1", token: "" })).toThrow(SwitchboardError);
    expect(() => connect({ url: "not a url", token: "t" })).toThrow();
  });
});
