// Rate limits with rate-limiter-flexible: shared through Redis when REDIS_URL is set (so every process
// counts together), in memory otherwise. Connections per IP, REST per caller,
// sign-up / token requests per IP, failed sign-ins per IP and per account (lib/auth/signin-guard.ts). Commands
// per socket are counted on the socket (lib/realtime/handlers.ts: a socket lives on one process).
import { errInfo, logger } from "./logger";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { AppConfig } from "./config";
import { AppError } from "./errors";
import { metrics } from "./metrics";
import { peekPart, setPart } from "./runtime";

export type Limiters = Record<"connect" | "rest" | "auth" | "webhook" | "signinAddress" | "signinAccount", RateLimiterAbstract>;
const limiters = () => peekPart<Limiters>("limiters");

export function createLimiters(config: AppConfig, redisClient: unknown | null): Limiters {
  const l = config.rateLimits;
  const make = (keyPrefix: string, points: number, duration: number) => {
    const opts = { keyPrefix: `${config.redisPrefix}:rl:${keyPrefix}`, points, duration };
    // Redis down: fall back to this process's memory rather than refusing everyone.
    return redisClient
      ? new RateLimiterRedis({ ...opts, storeClient: redisClient, useRedisPackage: true, insuranceLimiter: new RateLimiterMemory(opts) })
      : new RateLimiterMemory(opts);
  };
  const made: Limiters = {
    connect: make("connect", l.connectionsPerMinute, 60),
    rest: make("rest", l.restPerMinute, 60),
    auth: make("auth", l.authPerMinute, 60),
    // Unsigned or badly signed webhook requests per address (checked before the body is read or anything stored).
    webhook: make("webhook", l.webhookRefusalsPerMinute, 60),
    // Failed sign-ins (every credential path: next-auth callback, token exchange) per address and per account.
    signinAddress: make("signin-ip", l.signinFailuresPerAddress, l.signinWindowSeconds),
    signinAccount: make("signin-account", l.signinFailuresPerAccount, l.signinWindowSeconds),
  };
  setPart("limiters", made);
  return made;
}

/** Take one point; null when allowed, else the milliseconds until the next point is free. */
export async function take(kind: keyof Limiters, key: string): Promise<number | null> {
  const limiter = limiters()?.[kind];
  if (!limiter) return null;
  try {
    await limiter.consume(key);
    return null;
  } catch (e) {
    if (e instanceof RateLimiterRes) {
      metrics().rateLimited.inc({ kind });
      return Math.max(1, e.msBeforeNext);
    }
    logger().error(errInfo(e), "[limits] limiter failed; allowing");
    return null;
  }
}

/** Give a taken point back (the attempt turned out not to count); errors are logged. */
export async function reward(kind: keyof Limiters, key: string): Promise<void> {
  await limiters()?.[kind]?.reward(key, 1).catch((e) => logger().error(errInfo(e), "[limits] limiter failed"));
}

/** Forget a key's points (a successful sign-in clears its account's failures). */
export async function forgive(kind: keyof Limiters, key: string): Promise<void> {
  await limiters()?.[kind]?.delete(key).catch((e) => logger().error(errInfo(e), "[limits] limiter failed"));
}

export function rateLimited(retryMs: number, what: string) {
  const seconds = Math.ceil(retryMs / 1000);
  return new AppError("RATE_LIMITED", 429, `Too many ${what}; try again in ${seconds} s`, { retry_after_ms: retryMs }, { "Retry-After": String(seconds) });
}

/** Throw 429 RATE_LIMITED when the key is over its limit. */
export async function enforce(kind: keyof Limiters, key: string, what: string) {
  const retry = await take(kind, key);
  if (retry !== null) throw rateLimited(retry, what);
}
