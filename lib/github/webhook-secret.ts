// A project's webhook secret: 32 random bytes (base64url), stored sealed with AES-256-GCM under a key derived
// from AUTH_SECRET (HKDF), so a copy of the database alone does not let anyone sign deliveries. A secret
// sealed under another AUTH_SECRET cannot be opened: the project has no working secret until an owner rotates it.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { getConfig } from "../config";

const VERSION = "v1";
let cached: { secret: string; key: Buffer } | null = null;

function key(): Buffer {
  const secret = getConfig().authSecret;
  if (cached?.secret !== secret) cached = { secret, key: Buffer.from(hkdfSync("sha256", secret, "switchboard", "github-webhook-secret:v1", 32)) };
  return cached.key;
}

export function newWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

/** The secret, or null when the value is missing or was sealed under another key. */
export function openSecret(sealed: string | null | undefined): string | null {
  if (!sealed?.startsWith(`${VERSION}:`)) return null;
  try {
    const raw = Buffer.from(sealed.slice(VERSION.length + 1), "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
