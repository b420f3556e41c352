// Build what production runs when it is missing or older than any source it is built from: the
// Next.js app (.next) and the custom server (dist/server.js: server.ts and its imports compiled by
// esbuild, packages left to node_modules), so `npm start` runs no TypeScript on the fly.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const SOURCES = ["app", "components", "lib", "packages/client/src", "packages/client/package.json", "generated", "public", "proxy.ts", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package.json", "package-lock.json"];

function newest(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(p)) m = Math.max(m, newest(path.join(p, e)));
  return m;
}

export function buildIsStale(): boolean {
  const id = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  return SOURCES.some((s) => newest(path.join(ROOT, s)) > built);
}

const SERVER_OUT = path.join(ROOT, "dist", "server.js");
const SERVER_SOURCES = ["server.ts", "lib", "generated", "package-lock.json", "tsconfig.json"];

export function serverBuildIsStale(): boolean {
  if (!existsSync(SERVER_OUT)) return true;
  const built = statSync(SERVER_OUT).mtimeMs;
  return SERVER_SOURCES.some((s) => newest(path.join(ROOT, s)) > built);
}

/** dist/server.js; `__dirname` there is dist/, so server.ts finds the project root one level up. */
export function buildServer(): void {
  // esbuild's own JS API, synchronous; CommonJS like the rest of the server's dependencies.
  const esbuild = require("esbuild") as typeof import("esbuild");
  esbuild.buildSync({
    entryPoints: [path.join(ROOT, "server.ts")],
    outfile: SERVER_OUT,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    // The generated Prisma client reads import.meta.url, which CommonJS lacks.
    define: { "import.meta.url": "__import_meta_url" },
    banner: { js: 'const __import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  });
}

export function buildIfStale(): void {
  if (serverBuildIsStale()) {
    console.log("[build] compiling server.ts to dist/server.js");
    buildServer();
  }
  if (!buildIsStale()) return;
  console.log("[build] sources changed since the last build: running `next build`…");
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) {
    console.error("[build] next build failed");
    process.exit(r.status ?? 1);
  }
}

if (require.main === module) buildIfStale();
