import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/** Modules only the server may load: the browser bundle (components/, lib/client/) must not import them. */
const SERVER_ONLY = [
  { name: "@prisma/client", message: "Browser code must not load the database client." },
  { name: "prisma", message: "Browser code must not load Prisma." },
  { name: "socket.io", message: "Browser code uses socket.io-client, not the server." },
  { name: "redis", message: "Browser code must not load the Redis client." },
  { name: "pg", message: "Browser code must not load the PostgreSQL driver." },
];
const SERVER_ONLY_PATTERNS = [
  { group: ["node:*"], message: "Browser code must not use Node.js builtins." },
  {
    group: [
      "**/lib/db", "**/lib/db.ts", "@/lib/db",
      "**/generated/**", "@/generated/**",
      "**/lib/realtime/server", "**/lib/realtime/publish", "**/lib/realtime/handlers", "**/lib/realtime/hub", "**/lib/realtime/redis",
      "**/lib/runtime", "@/lib/runtime", "**/lib/migrator", "**/lib/config", "@/lib/config",
      "**/lib/*/service", "@/lib/*/service", "**/lib/test-runs/runner", "**/lib/test-runs/sandbox", "**/lib/llm/*", "@/lib/llm/*",
      "**/lib/auth/api-tokens", "**/lib/auth/identify", "**/lib/auth/options", "**/lib/auth/password",
    ],
    message: "Browser code must not import server modules (the database, the realtime server, services, the runtime).",
  },
  { group: ["**/lib/realtime/*", "@/lib/realtime/*"], message: "Browser code takes events, rooms and shapes from lib/contract." },
];

export default tseslint.config(
  { ignores: [".scratch/**", ".next/**", "dist/**", "packages/*/dist/**", "generated/**", "node_modules/**", "test-results/**", "playwright-report/**", ".data/**", "next-env.d.ts", "test/fixtures/runner-projects/**", "test/fixtures/lint/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-empty-object-type": "off",
      "no-empty-pattern": "off",
    },
  },
  {
    files: ["scripts/**", "server.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  // No import cycles in the application's code (type-only imports count too: a cycle of types is still a
  // tangle). docs/ARCHITECTURE.md says which part may import which.
  {
    files: ["lib/**/*.{ts,tsx}", "app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "packages/*/src/**/*.ts", "server.ts", "test/fixtures/lint/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  // Browser code stays off server modules.
  {
    files: ["components/**/*.{ts,tsx}", "lib/client/**/*.{ts,tsx}", "packages/client/src/**/*.ts", "test/fixtures/lint/browser/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: SERVER_ONLY, patterns: SERVER_ONLY_PATTERNS }] },
  },
);
