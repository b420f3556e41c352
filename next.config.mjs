/** @type {import("next").NextConfig} */
const nextConfig = {
  // Native-ish and wasm-heavy server packages stay outside the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "bcryptjs", "prom-client", "rate-limiter-flexible"],
  // `npm run typecheck` (part of `npm test`) checks types; the build only compiles.
  typescript: { ignoreBuildErrors: true },
  // The workspace package @switchboard/client (packages/client) is TypeScript source: compiled with the app.
  transpilePackages: ["@switchboard/client"],
  poweredByHeader: false,
  devIndicators: false,
  experimental: {
    // Route modules are loaded when first requested, not all at start: a third of the start's CPU and part
    // of the idle memory (issue #11: memory at rest). The first request to each route pays its load once.
    preloadEntriesOnStart: false,
  },
};

export default nextConfig;
