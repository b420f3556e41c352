import { describe, expect, it } from "vitest";
import { parseRoom, COMMANDS } from "@/lib/realtime/events";

const id = "6a6212ca-629a-4e06-b14b-34d2e35c2057";

describe("parseRoom", () => {
  it("accepts the contract's rooms", () => {
    for (const kind of ["user", "project", "agent", "workflow", "job"]) {
      expect(parseRoom(`${kind}:${id}`)).toEqual({ kind, id, name: `${kind}:${id}` });
    }
    expect(parseRoom("global")).toEqual({ kind: "global", id: null, name: "global" });
    expect(parseRoom(`project:${id.toUpperCase()}`)?.name).toBe(`project:${id}`);
  });
  it.each(["", "lobby", "project:", "project:123", `team:${id}`, `project:${id}x`, 42, null, "x".repeat(500)])("refuses %s", (r) => {
    expect(parseRoom(r)).toBeNull();
  });
});

describe("command schemas", () => {
  it("subscribe needs exactly one of room / project_id", () => {
    expect(COMMANDS.subscribe.safeParse({ room: "global" }).success).toBe(true);
    expect(COMMANDS.subscribe.safeParse({ project_id: id, since: "12" }).success).toBe(true);
    expect(COMMANDS.subscribe.safeParse({}).success).toBe(false);
    expect(COMMANDS.subscribe.safeParse({ room: "global", project_id: id }).success).toBe(false);
    expect(COMMANDS.subscribe.safeParse({ room: 5 }).success).toBe(false);
    expect(COMMANDS.subscribe.safeParse({ room: "global", since: "-1" }).success).toBe(false);
  });
});
