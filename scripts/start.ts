// `npm start`: build if needed, then serve in production mode (server.ts applies migrations).
import path from "node:path";
import { buildIfStale } from "./build-if-stale";

process.chdir(path.resolve(__dirname, ".."));
buildIfStale();
(process.env as Record<string, string>).NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";
require("../server").main().catch((e: Error) => {
  console.error(`Switchboard failed to start: ${e.stack ?? e}`);
  process.exit(1);
});
