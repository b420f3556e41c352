// @switchboard/client is consumed as TypeScript source in this repository (tsx, vitest, Next.js); its `build`
// script also bundles it (and the lib/contract it is typed from) into one ESM file for plain Node or a bundler.
// This builds it and imports the result with Node's own ESM loader.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

describe("@switchboard/client build", () => {
  it("bundles to an ES module that plain Node imports", async () => {
    const r = spawnSync("npm", ["run", "build", "-w", "@switchboard/client"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const file = path.join(ROOT, "packages/client/dist/index.mjs");
    const m = await import(/* @vite-ignore */ `${pathToFileURL(file).href}?t=${Date.now()}`);
    expect(typeof m.connect).toBe("function");
    expect(typeof m.RealtimeClient).toBe("function");
    expect(new m.SwitchboardError("NOT_FOUND", "x").code).toBe("NOT_FOUND");
    expect(m.rooms.project("p")).toBe("project:p");
  }, 60_000);
});
