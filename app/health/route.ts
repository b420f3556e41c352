// Seed 002's `GET /health`: the same answer as `GET /api/health` (no sign-in, no redirect; proxy.ts skips it).
export { GET } from "../api/health/route";
export const dynamic = "force-dynamic";
