// Every list answer is bounded in rows (each route's `limit`, with a maximum) and in bytes: a list stops
// before the item that would take its JSON past MAX_LIST_BYTES (always at least one item), and says so, so a
// page of 100 huge rows cannot become a 100 MB answer. Limits are listed in docs/PROTOCOL.md.
export const MAX_LIST_BYTES = 2 * 1024 * 1024;

/** The longest prefix of `items` whose JSON fits in `maxBytes` (at least one item), and whether items were left out. */
export function fitBytes<T>(items: T[], maxBytes = MAX_LIST_BYTES): { items: T[]; truncated: boolean } {
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += Buffer.byteLength(JSON.stringify(items[i]) ?? "");
    if (total > maxBytes && i > 0) return { items: items.slice(0, i), truncated: true };
  }
  return { items, truncated: false };
}
