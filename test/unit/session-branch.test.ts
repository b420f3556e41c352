// Session branch names (issue #13): whatever a prompt says, the branch is switchboard/<8 hex>-<[a-z0-9-]>, which
// git accepts as a branch and which can be neither an option, a `..` range nor another ref.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { sessionBranchName, slugify } from "@/lib/workspaces/sessions";
import { isSafeBranchName } from "@/lib/workspaces/service";

const SID = "8dfbd090-1234-4abc-9def-0123456789ab";
const HOSTILE = [
  "--upload-pack=touch /tmp/pwned",
  "../../refs/heads/main",
  "refs/heads/main",
  "@{-1}",
  "HEAD~1^2:path",
  "foo.lock",
  "a\u0000b\nc\td",
  "*?[\\ ]",
  "-",
  "",
  "Ünïcødé ✓ emoji 🎉",
  "x".repeat(10_000),
];

describe("session branch names", () => {
  it.each(HOSTILE)("%j becomes a plain, safe branch git accepts", (text) => {
    const name = sessionBranchName(SID, text);
    expect(name).toMatch(/^switchboard\/8dfbd090-[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(name.length).toBeLessThanOrEqual("switchboard/".length + 9 + 40);
    expect(isSafeBranchName(name)).toBe(true);
    expect(() => execFileSync("git", ["check-ref-format", "--branch", name], { stdio: "pipe" })).not.toThrow();
  });

  it("keeps the words of an ordinary prompt", () => {
    expect(slugify("Add a greeting to the README")).toBe("add-a-greeting-to-the-readme");
    expect(slugify("!!!")).toBe("session");
  });

  it("refuses what must never reach git as a branch", () => {
    for (const bad of ["-x", "--upload-pack=x", "a..b", "/abs", "a/", "a//b", "x.lock", "a b", "a~1", "a^", "a:b", ""]) expect(isSafeBranchName(bad)).toBe(false);
    expect(isSafeBranchName("main")).toBe(true);
    expect(isSafeBranchName("release/1.2")).toBe(true);
  });
});
