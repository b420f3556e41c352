// The committed migrations must produce exactly prisma/schema.prisma; and the check must be able to fail.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrationsToSchemaDiff } from "@/lib/migrator";

describe("schema drift", () => {
  it("prisma/schema.prisma matches prisma/migrations (run `npm run db:migrate:create -- <name>` if not)", async () => {
    expect(await migrationsToSchemaDiff()).toBe("");
  }, 60_000);

  it("detects a schema change that has no migration", async () => {
    const schema = readFileSync("prisma/schema.prisma", "utf8").replace(
      'model User {\n',
      'model User {\n  nickname     String?\n',
    );
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sb-drift-")), "schema.prisma");
    writeFileSync(file, schema);
    const diff = await migrationsToSchemaDiff({ schemaPath: file });
    expect(diff).toMatch(/ALTER TABLE "users" ADD COLUMN\s+"nickname" TEXT/);
  }, 60_000);
});
