// The architecture rules in eslint.config.mjs must bite: an import cycle and a server import in browser
// code are errors (the fixtures in test/fixtures/lint/ are ignored by `npm run lint` and linted here).
import { describe, expect, it } from "vitest";
import path from "node:path";
import { ESLint } from "eslint";

const root = path.resolve(__dirname, "../..");
const fixture = (f: string) => path.join(root, "test/fixtures/lint", f);

async function lint(file: string) {
  const eslint = new ESLint({ cwd: root, ignore: false });
  const [result] = await eslint.lintFiles([fixture(file)]);
  return result!.messages.map((m) => ({ rule: m.ruleId, line: m.line, message: m.message }));
}

describe("lint rules (eslint.config.mjs)", () => {
  it("refuses an import cycle", async () => {
    const messages = await lint("cycle-a.ts");
    expect(messages.filter((m) => m.rule === "import-x/no-cycle")).toHaveLength(1);
  }, 120_000);

  it("refuses server modules and Node builtins in browser code", async () => {
    const messages = await lint("browser/server-import.ts");
    const refused = messages.filter((m) => m.rule === "no-restricted-imports").map((m) => m.line);
    // node:fs, lib/db, lib/realtime/publish (a server module and not the contract: two rules), lib/realtime/events
    expect([...new Set(refused)]).toEqual([2, 3, 4, 5]);
  }, 120_000);

  it("lets browser code import browser-safe modules", async () => {
    expect(await lint("browser/clean.ts")).toEqual([]);
  }, 120_000);
});
