import type { z } from "zod";
import { ZModelReview } from "./schemas";

/** Parse the model's reply: a JSON object (possibly inside a ```json fence) matching ZModelReview. */
export function parseReviewReply(text: string): { ok: true; review: z.infer<typeof ZModelReview> } | { ok: false; error: string } {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  const candidate = (fenced ? fenced[1]! : text).trim();
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch {
    return { ok: false, error: "The model's answer is not JSON" };
  }
  const r = ZModelReview.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    return { ok: false, error: `The model's answer is not a valid review (${first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "shape"})` };
  }
  return { ok: true, review: r.data };
}

