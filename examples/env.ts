// What every example reads from the environment (never printed: the token stays out of logs).
export function env(name: string, fallback?: string): string {
  const v = process.env[name]?.trim() || fallback;
  if (!v) {
    console.error(`Set ${name} (see docs/INTEGRATING.md).`);
    process.exit(2);
  }
  return v;
}

export const settings = () => ({
  url: env("SWITCHBOARD_URL", "http://localhost:3000"),
  token: env("SWITCHBOARD_TOKEN"),
  projectId: env("PROJECT_ID"),
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A positive integer from the environment, bounded. */
export function intEnv(name: string, fallback: number, max: number): number {
  const n = Number(process.env[name] ?? fallback);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
}
