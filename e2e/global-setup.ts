import { existsSync } from "node:fs";
import { buildIfStale } from "../scripts/build-if-stale";

export default function globalSetup() {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    throw new Error(`Chromium not found at ${chromium}: run \`apt-get install -y chromium\` (.ci/run does this)`);
  }
  buildIfStale();
}
