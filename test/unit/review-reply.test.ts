import { describe, expect, it } from "vitest";
import { parseReviewReply } from "../../lib/reviews/parse";

const good = { summary: "ok", suggestions: [{ category: "security", title: "t", description: "d", severity: "critical", confidence: 0.9, suggested_action: "a", file_path: "a.ts", line_number: 3 }] };

describe("parseReviewReply", () => {
  it("accepts a JSON review, bare or in a ```json fence", () => {
    expect(parseReviewReply(JSON.stringify(good))).toEqual({ ok: true, review: good });
    expect(parseReviewReply("Here:\n```json\n" + JSON.stringify(good) + "\n```\n")).toEqual({ ok: true, review: good });
  });
  it.each([
    ["not json", /not JSON/],
    ["", /not JSON/],
    [JSON.stringify({ summary: 3, suggestions: [] }), /summary/],
    [JSON.stringify({ ...good, suggestions: [{ ...good.suggestions[0], confidence: 1.5 }] }), /confidence/],
    [JSON.stringify({ ...good, suggestions: [{ ...good.suggestions[0], category: "vibes" }] }), /category/],
    [JSON.stringify({ ...good, suggestions: [{ ...good.suggestions[0], line_number: -2 }] }), /line_number/],
    ["[1,2]", /not a valid review/],
  ])("refuses %s", (text, error) => {
    const r = parseReviewReply(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});
