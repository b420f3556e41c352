// "Job logs not stored twice" (issue #10, item 10): job_log carried every line twice (`message`, the seed's
// field, and `lines`). The event log stores the lines once; `message` is rebuilt for every reader (live and
// replayed envelopes both come from the stored row through toEnvelope).
import { describe, expect, it } from "vitest";
import { storeOnce, toEnvelope } from "@/lib/realtime/publish";

const row = (type: string, data: unknown) => ({ id: 7n, room: "job:x", type, source: "test_runner", traceId: null, data, createdAt: new Date(0) });

describe("job_log is stored once", () => {
  it("the stored data has the lines and no message; the envelope has both, equal to what was published", () => {
    const published = { job_id: "j", level: "info" as const, message: "a\nb\n\nc", lines: ["a", "b", "", "c"], timestamp: "2026-01-01T00:00:00.000Z" };
    const stored = storeOnce("job_log", published) as Record<string, unknown>;
    expect(stored).toEqual({ job_id: "j", level: "info", lines: ["a", "b", "", "c"], timestamp: "2026-01-01T00:00:00.000Z" });
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(published).length);
    expect(toEnvelope(row("job_log", stored)).data).toEqual(published);
  });

  it("a message that is not the joined lines is kept as it is; rows stored before this change read the same", () => {
    const odd = { job_id: "j", level: "error" as const, message: "summary", lines: ["x"], timestamp: "t" };
    expect(storeOnce("job_log", odd)).toEqual(odd);
    expect(toEnvelope(row("job_log", odd)).data).toEqual(odd);
    const old = { job_id: "j", level: "info", message: "a\nb", lines: ["a", "b"], timestamp: "t" };
    expect(toEnvelope(row("job_log", old)).data).toEqual(old);
  });

  it("other events are stored and read untouched", () => {
    const data = { message: "a", lines: ["a"] };
    expect(storeOnce("job_progress", data)).toBe(data);
    expect(toEnvelope(row("job_progress", data)).data).toBe(data);
  });
});
