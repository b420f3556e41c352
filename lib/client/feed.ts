// The activity feed's cache entry: newest first, capped, deduped by envelope id.
import type { AnyEnvelope } from "@/lib/contract";
import type { FeedItem } from "./types";

export const FEED_CAP = 200;

/** `historyAfter`: every event of the room up to this id has been merged (REST history is contiguous). */
export type FeedData = { items: FeedItem[]; historyAfter: string };

const byIdDesc = (a: FeedItem, b: FeedItem) => {
  const x = BigInt(a.envelope.id);
  const y = BigInt(b.envelope.id);
  return x === y ? 0 : x > y ? -1 : 1;
};

export function mergeFeed(items: FeedItem[], envelopes: AnyEnvelope[], live: boolean): FeedItem[] {
  const have = new Set(items.map((i) => i.envelope.id));
  const added = envelopes.filter((e) => !have.has(e.id) && (have.add(e.id), true)).map((envelope) => ({ envelope, live }));
  if (added.length === 0) return items;
  return [...added, ...items].sort(byIdDesc).slice(0, FEED_CAP);
}

/** Live envelopes that arrive while a feed's history is still loading, merged when it lands. */
export class FeedBuffer {
  private byProject = new Map<string, AnyEnvelope[]>();

  push(projectId: string, env: AnyEnvelope) {
    const list = this.byProject.get(projectId) ?? [];
    list.push(env);
    this.byProject.set(projectId, list.slice(-FEED_CAP));
  }

  take(projectId: string): AnyEnvelope[] {
    const list = this.byProject.get(projectId) ?? [];
    this.byProject.delete(projectId);
    return list;
  }
}
