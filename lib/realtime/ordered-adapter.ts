// Local delivery in Redis stream order. The Streams adapter XADDs a broadcast and then delivers it to this
// process's sockets at once, while broadcasts from other processes arrive later through its reader: a
// process's own event 11 could reach its sockets before another process's event 10. Here a broadcast's
// local delivery waits until this process's reader has passed the broadcast's own stream entry, so every
// process delivers every broadcast in the one order of the stream. Combined with the per-room advisory
// lock in publish.ts (ids are assigned in stream order), ids per room reach every subscriber increasing.
import type { Namespace } from "socket.io";

const BROADCAST = 3; // socket.io-adapter's MessageType.BROADCAST
/** If the reader does not pass our entry in this time (it is stuck), deliver anyway. */
const READ_WAIT_MS = 2000;

type StreamAdapter = {
  publishAndReturnOffset(message: { type: number }): Promise<string>;
  onRawMessage(raw: unknown, offset: string): void;
};

const parse = (id: string): [bigint, bigint] => {
  const [ms, seq] = id.split("-");
  return [BigInt(ms ?? "0"), BigInt(seq ?? "0")];
};
const notAfter = (a: string, b: string) => {
  const [am, as] = parse(a);
  const [bm, bs] = parse(b);
  return am < bm || (am === bm && as <= bs);
};

export function orderLocalDelivery(namespaces: Namespace[]): void {
  let lastRead: string | null = null;
  const waiters = new Set<{ offset: string; done: () => void }>();
  const passed = (offset: string) => {
    lastRead = offset;
    for (const w of waiters) if (notAfter(w.offset, offset)) w.done();
  };
  for (const nsp of namespaces) {
    const adapter = nsp.adapter as unknown as StreamAdapter;
    if (typeof adapter.publishAndReturnOffset !== "function" || typeof adapter.onRawMessage !== "function") continue;
    const onRaw = adapter.onRawMessage.bind(adapter);
    adapter.onRawMessage = (raw, offset) => {
      onRaw(raw, offset); // delivers other processes' broadcasts (ignores its own)
      passed(offset);
    };
    const publish = adapter.publishAndReturnOffset.bind(adapter);
    adapter.publishAndReturnOffset = async (message) => {
      const offset = await publish(message); // throws while Redis is down: the adapter then delivers locally
      if (message.type !== BROADCAST || (lastRead !== null && notAfter(offset, lastRead))) return offset;
      await new Promise<void>((resolve) => {
        const w = {
          offset,
          done: () => {
            clearTimeout(timer);
            waiters.delete(w);
            resolve();
          },
        };
        const timer = setTimeout(w.done, READ_WAIT_MS);
        waiters.add(w);
      });
      return offset;
    };
  }
}
