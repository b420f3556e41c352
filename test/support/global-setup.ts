// Once per vitest run: a production build that matches the sources, and the database the run targets.
import { buildIfStale } from "../../scripts/build-if-stale";
import { PG_ADMIN_URL, testsUsePostgres } from "./server";
import pg from "pg";

export default async function setup() {
  buildIfStale();
  if (testsUsePostgres()) {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      const { rows } = await c.query("SHOW server_version");
      console.log(`[test] database: PostgreSQL ${rows[0].server_version} at ${PG_ADMIN_URL} (a fresh database per server)`);
    } catch (e) {
      throw new Error(`TEST_DB=postgres but PostgreSQL is not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}`);
    } finally {
      await c.end().catch(() => {});
    }
  } else {
    console.log("[test] database: embedded PGlite (a fresh DATA_DIR per server)");
  }
}
