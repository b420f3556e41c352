// The Redis connection behind the Socket.IO adapter. At start Redis must answer (else the process
// stops naming REDIS_URL); afterwards the client reconnects by itself.
import { errInfo, logger } from "../logger";
import type { createClient as CreateClient } from "redis";

export type RedisClient = ReturnType<typeof CreateClient>;

export async function connectRedis(url: string): Promise<RedisClient> {
  const { createClient } = await import("redis"); // loaded only when REDIS_URL is set
  let connected = false;
  const client = createClient({
    url,
    // While Redis is away commands fail at once instead of waiting: rate limits fall back to memory,
    // broadcasts still reach this process's clients, and nothing blocks a request.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(100 * 2 ** retries, 2000) : cause),
    },
  });
  client.on("error", (e: Error) => {
    if (connected) logger().error(errInfo(e.message), "[redis]");
  });
  client.on("ready", () => {
    if (connected) logger().info("[redis] reconnected");
  });
  try {
    await client.connect();
  } catch (e) {
    try {
      client.destroy();
    } catch {
      /* never opened */
    }
    throw new Error(`REDIS_URL: cannot connect to Redis (${(e as Error).message || String(e)})`);
  }
  connected = true;
  // The Streams adapter reads with a duplicate of this client in a loop that retries at once on error:
  // that reader keeps the offline queue (it waits for Redis instead of spinning), while this client's
  // writes fail fast so local delivery never waits for Redis.
  const duplicate = client.duplicate.bind(client);
  (client as unknown as { duplicate: (o?: object) => unknown }).duplicate = (overrides?: object) =>
    duplicate({ ...overrides, disableOfflineQueue: false } as never);
  return client;
}
