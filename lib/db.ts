// The Prisma client, a part of the runtime (lib/runtime.ts): PostgreSQL through @prisma/adapter-pg when
// DATABASE_URL is set, otherwise embedded PostgreSQL (PGlite) persisted in DATA_DIR/pglite, one per process.
import { PrismaClient } from "../generated/prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PGlite } from "@electric-sql/pglite";
import type * as PgliteModule from "@electric-sql/pglite";
import type * as PgliteAdapterModule from "pglite-prisma-adapter";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { getConfig } from "./config";
import { part } from "./runtime";
import { lazy } from "./lazy";

// The embedded database's packages are loaded only when it is used (not with DATABASE_URL).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lib/lazy.ts)
export const pgliteModule = lazy(() => require("@electric-sql/pglite") as typeof PgliteModule);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (lib/lazy.ts)
export const pgliteAdapterModule = lazy(() => require("pglite-prisma-adapter") as typeof PgliteAdapterModule);

export type Db = PrismaClient;

type DbState = { prisma?: PrismaClient; pglite?: PGlite; pgliteDir?: string; pool?: pg.Pool };
const state = (): DbState => part<DbState>("db", () => ({}));

export function isEmbedded(): boolean {
  return !getConfig().databaseUrl;
}

function getPglite(): PGlite {
  const s = state();
  if (!s.pglite) {
    const dir = path.join(getConfig().dataDir, "pglite");
    mkdirSync(dir, { recursive: true }); // PGlite does not create parent directories
    s.pglite = cooperative(new (pgliteModule().PGlite)(dir));
    s.pgliteDir = dir;
  }
  return s.pglite;
}

/**
 * PGlite runs its queries synchronously on this thread (WebAssembly), and queued ones follow each other through
 * promise continuations, without a turn of the event loop in between: under load, hundreds of queued queries
 * blocked the loop for a second and more (accepting connections, reading sockets, answering 503 to the
 * publishes the overload bound refuses). Each query and script now starts in a turn of its own (setImmediate):
 * the loop serves I/O between two queries. Statements inside a transaction follow each other as before.
 */
function cooperative(db: PGlite): PGlite {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const query = db.query.bind(db);
  const exec = db.exec.bind(db);
  db.query = (async (...args: Parameters<PGlite["query"]>) => {
    await nextTurn();
    return query(...args);
  }) as PGlite["query"];
  db.exec = (async (...args: Parameters<PGlite["exec"]>) => {
    await nextTurn();
    return exec(...args);
  }) as PGlite["exec"];
  return db;
}

// pglite-prisma-adapter 0.7.2's executeScript() does not await PGlite.exec(): a failing migration
// would be recorded as applied. This factory awaits it.
class FixedPGliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName: string;
  private inner: InstanceType<typeof PgliteAdapterModule.PrismaPGlite>;
  constructor(private client: PGlite) {
    this.inner = new (pgliteAdapterModule().PrismaPGlite)(client);
    this.adapterName = this.inner.adapterName;
  }
  private fix(a: SqlDriverAdapter, client: PGlite): SqlDriverAdapter {
    const onError = (a as unknown as { onError: (e: unknown) => never }).onError.bind(a);
    a.executeScript = async (script: string) => {
      try {
        await client.exec(script);
      } catch (e) {
        onError(e);
      }
    };
    return a;
  }
  async connect() {
    return this.fix(await this.inner.connect(), this.client);
  }
  async connectToShadowDb() {
    const shadow = new (pgliteModule().PGlite)();
    const a = await new (pgliteAdapterModule().PrismaPGlite)(shadow).connect();
    const dispose = a.dispose.bind(a);
    a.dispose = async () => {
      await dispose();
      await shadow.close();
    };
    return this.fix(a, shadow);
  }
}

/** pg lets connectionString override `database` (the shadow database would be the real one): parse it. */
export function parsePgUrl(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    ssl: u.searchParams.get("sslmode") === "require" ? { rejectUnauthorized: false } : undefined,
    connectionTimeoutMillis: 5000,
    max: 10,
  };
}

export function createAdapterFactory(): SqlMigrationAwareDriverAdapterFactory {
  const url = getConfig().databaseUrl;
  if (!url) return new FixedPGliteFactory(getPglite());
  return new PrismaPg(parsePgUrl(url));
}

/** The process's pool of PostgreSQL connections (DATABASE_URL): Prisma's, and the hot paths' own statements (sqlQuery). */
export function getPool(): pg.Pool {
  const s = state();
  if (!s.pool) {
    const url = getConfig().databaseUrl;
    if (!url) throw new Error("getPool() needs DATABASE_URL (the embedded database has no pool)");
    s.pool = new pg.Pool(parsePgUrl(url));
    // An idle connection that fails (the server restarted) is dropped by the pool; without a listener it would crash the process.
    s.pool.on("error", () => {});
  }
  return s.pool;
}

export function getPrisma(): PrismaClient {
  const s = state();
  // With DATABASE_URL Prisma shares the pool with sqlQuery() (one set of connections per process).
  return (s.prisma ??= new PrismaClient({ adapter: getConfig().databaseUrl ? new PrismaPg(getPool()) : createAdapterFactory() }));
}

/**
 * One parameterised statement straight through the driver (pg's pool, or PGlite), for the hottest path (the
 * event log's group commit): no query compiler, no per-row decoding beyond the driver's. Values are sent as
 * text (cast in the SQL); rows come back as pg returns them (int8 as strings).
 */
export async function sqlQuery<R>(text: string, values: unknown[]): Promise<R[]> {
  if (!getConfig().databaseUrl) return (await getPglite().query<R>(text, values)).rows; // the Prisma client's instance
  return (await getPool().query(text, values)).rows as R[];
}

export async function closeDatabase(): Promise<void> {
  const s = state();
  const { prisma, pglite, pool } = s;
  s.prisma = undefined;
  s.pglite = undefined;
  s.pool = undefined;
  await prisma?.$disconnect().catch(() => {});
  await pool?.end().catch(() => {});
  await pglite?.close().catch(() => {});
}

/** A cheap liveness probe for /api/health. */
export async function pingDatabase(): Promise<boolean> {
  try {
    await getPrisma().$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
