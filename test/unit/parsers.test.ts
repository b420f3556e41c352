import { describe, expect, it } from "vitest";
import { createTapReader, type ParsedResult } from "../../lib/test-runs/parsers";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("TAP reader", () => {
  it("releases the last point before a pause even when plain output keeps coming", async () => {
    const results: ParsedResult[] = [];
    const reader = createTapReader({ result: (r) => results.push(r) });
    reader.write("TAP version 13\nok 1 - starts\nok 2 - connects\n");
    // Plain output every 100 ms (faster than the idle delay) must not hold "connects" back.
    for (let i = 0; i < 5; i++) {
      reader.write(`waiting for the gateway (${i})\n`);
      await wait(100);
    }
    expect(results.map((r) => r.name)).toEqual(["starts", "connects"]);
    await reader.end();
    expect(results).toHaveLength(2);
  });

  it("keeps a point's YAML diagnostics when they arrive after a pause", async () => {
    const results: ParsedResult[] = [];
    const reader = createTapReader({ result: (r) => results.push(r) });
    reader.write("TAP version 13\nnot ok 1 - adds\n  ---\n  message: 'expected 2'\n");
    await wait(350);
    expect(results).toHaveLength(0); // inside its YAML block: not finished yet
    reader.write("  ...\n1..1\n");
    await reader.end();
    expect(results).toEqual([expect.objectContaining({ name: "adds", status: "failed", error: expect.stringContaining("expected 2") })]);
  });

  it("a line written in pieces is read once it is whole", async () => {
    const results: ParsedResult[] = [];
    const reader = createTapReader({ result: (r) => results.push(r) });
    reader.write("TAP version 13\nok 1 - fir");
    await wait(300);
    reader.write("st\n");
    await wait(300);
    expect(results.map((r) => r.name)).toEqual(["first"]);
    await reader.end();
  });
});
