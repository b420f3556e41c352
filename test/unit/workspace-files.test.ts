// Reading a workspace file for the file viewer and the model's context: what a test run may have left
// there (a FIFO, a link out of the workspace, a huge file) is judged on the opened descriptor, never blocks,
// and is read only as far as it is shown.
import { describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MAX_FILE_VIEW_BYTES, readWorkspaceFile } from "@/lib/workspaces/service";

function workspace() {
  const root = mkdtempSync(path.join(tmpdir(), "sb-files-"));
  writeFileSync(path.join(root, "auth_secret"), "the-signing-secret");
  const dir = path.join(root, "ws");
  mkdirSync(dir);
  return { root, dir };
}

describe("readWorkspaceFile", () => {
  it("refuses a link that leads out of the workspace, follows one that stays inside", async () => {
    const { dir } = workspace();
    writeFileSync(path.join(dir, "a.txt"), "inside");
    symlinkSync("../auth_secret", path.join(dir, "out"));
    symlinkSync("a.txt", path.join(dir, "in"));
    await expect(readWorkspaceFile(dir, "out")).rejects.toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE" });
    expect((await readWorkspaceFile(dir, "in")).content).toBe("inside");
  });

  it("a FIFO is not a file: 404 at once instead of a thread blocked forever", async () => {
    const { dir } = workspace();
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    const t0 = Date.now();
    await expect(readWorkspaceFile(dir, "pipe")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("a huge file is read only as far as it is shown", async () => {
    const { dir } = workspace();
    writeFileSync(path.join(dir, "big.txt"), "x".repeat(3 * MAX_FILE_VIEW_BYTES));
    const f = await readWorkspaceFile(dir, "big.txt");
    expect(f).toMatchObject({ size: 3 * MAX_FILE_VIEW_BYTES, truncated: true, binary: false });
    expect(f.content).toHaveLength(MAX_FILE_VIEW_BYTES);
  });

  it("a run swapping a checked file for a link out of the workspace never gets the target read (the attack, raced)", async () => {
    const { dir } = workspace();
    writeFileSync(path.join(dir, "a"), "x");
    // What a malicious test_command would do: swap `a` between a file and a link to ../auth_secret, forever.
    const swapper = spawn("sh", ["-c", "while :; do ln -sfn ../auth_secret b; mv -T b a; echo x > c; mv -T c a; done"], { cwd: dir, stdio: "ignore" });
    let leaked = 0;
    let read = 0;
    try {
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        const got = await readWorkspaceFile(dir, "a").catch(() => null);
        if (got) read++;
        if (got?.content?.includes("the-signing-secret")) leaked++;
      }
    } finally {
      swapper.kill("SIGKILL");
    }
    expect(leaked).toBe(0);
    expect(read).toBeGreaterThan(0); // the file was readable between swaps: the race was really run
  });
});
