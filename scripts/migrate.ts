// `tsx scripts/migrate.ts create <name> [--draft] | deploy | check`
import { applyMigrations, createMigration, migrationsToSchemaDiff } from "../lib/migrator";
import { closeDatabase, createAdapterFactory } from "../lib/db";

const [cmd, ...rest] = process.argv.slice(2);

async function main(): Promise<number> {
  switch (cmd) {
    case "create": {
      const name = (rest.find((a) => !a.startsWith("--")) ?? "").replace(/[^A-Za-z0-9_]/g, "_");
      if (!name) {
        console.error("usage: migrate create <name> [--draft]");
        return 1;
      }
      const dir = await createMigration(name, { draft: rest.includes("--draft") });
      console.log(dir ? `created ${dir}` : "no schema changes; nothing created (use --draft for an empty migration)");
      return 0;
    }
    case "deploy": {
      const applied = await applyMigrations(createAdapterFactory());
      await closeDatabase();
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "no pending migrations");
      return 0;
    }
    case "check": {
      const sql = await migrationsToSchemaDiff();
      if (sql.trim()) {
        console.error("DRIFT: prisma/schema.prisma differs from prisma/migrations. Run `npm run db:migrate:create -- <name>`.\n" + sql);
        return 1;
      }
      console.log("schema and migrations are in sync");
      return 0;
    }
    default:
      console.error("usage: migrate create <name> [--draft] | deploy | check");
      return 1;
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
