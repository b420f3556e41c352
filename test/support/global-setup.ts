// Once per vitest run: a production build that matches the sources, and the database the run targets.
import { buildIfStale } from "../../scripts/build-if-stale";
import { PG_ADMIN_URL, pgliteTemplateDir, pgTemplateName, testsUsePostgres } from "./server";
import pg from "pg";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/** Apply the migrations to a database (DATABASE_URL) or a PGlite directory (DATA_DIR) with the project's own script. */
function deploy(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "deploy"], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`migrating a template failed:\n${r.stdout}\n${r.stderr}`);
}

/** A migrated template per set of migrations; made under a temporary name and renamed in (parallel runs race safely). */
async function ensureTemplates() {
  if (testsUsePostgres()) {
    const name = pgTemplateName();
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      if ((await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount) return;
      const tmp = `${name}_${process.pid}`;
      await c.query(`DROP DATABASE IF EXISTS "${tmp}"`);
      await c.query(`CREATE DATABASE "${tmp}"`);
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${tmp}`;
      deploy({ DATABASE_URL: url.toString() });
      await c.query(`ALTER DATABASE "${tmp}" RENAME TO "${name}"`).catch(() => c.query(`DROP DATABASE IF EXISTS "${tmp}"`));
    } finally {
      await c.end().catch(() => {});
    }
  } else {
    const dir = pgliteTemplateDir();
    if (existsSync(dir)) return;
    const work = mkdtempSync(path.join(tmpdir(), "switchboard-pglite-tmpl-work-"));
    try {
      deploy({ DATA_DIR: work, DATABASE_URL: "" });
      try {
        renameSync(path.join(work, "pglite"), dir);
      } catch {
        /* another run made it first */
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

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
  await ensureTemplates();
}
