// Test suites for runs in the browser tests: a git repository inside the server's REPO_ROOTS
// (<data dir>/repos) that a project clones into its workspace, and a project set up with one.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { expect, type E2EServer } from "./fixtures";

export type User = Awaited<ReturnType<E2EServer["createUser"]>>;

/** TAP, one test every `delay` ms (plan first, so the total is known): test 4 fails, test 7 is skipped. */
export const SLOW_SUITE = `
const n = Number(process.argv[2] || 10);
const delay = Number(process.argv[3] || 300);
const names = ["parses the config", "loads the cart", "adds an item", "computes the total", "applies a discount",
  "rounds to cents", "ships abroad", "sends the receipt", "logs the order", "cleans up"];
console.log("TAP version 13");
console.log("1.." + n);
let i = 0;
const timer = setInterval(() => {
  i++;
  const name = names[(i - 1) % names.length] + (i > names.length ? " #" + i : "");
  if (i === 4) {
    console.error("checkout: total mismatch in " + name);
    console.log("not ok " + i + " - " + name);
    console.log("  ---\\n  duration_ms: 12.5\\n  error: 'Expected values to be strictly equal: 41 !== 42'\\n  expected: 42\\n  actual: 41\\n  ...");
  } else if (i === 7) {
    console.log("ok " + i + " - " + name + " # SKIP needs a shipping sandbox");
  } else {
    console.log("ok " + i + " - " + name);
    console.log("  ---\\n  duration_ms: " + (20 + i * 3.7).toFixed(1) + "\\n  ...");
  }
  if (i >= n) {
    clearInterval(timer);
    process.exitCode = 1;
  }
}, delay);
`;

/** Two results, then output forever: only a cancel (or the time limit) ends it. */
export const HANGING_SUITE = `
console.log("TAP version 13");
console.log("ok 1 - starts the server");
console.log("ok 2 - opens a connection");
let k = 0;
setInterval(() => {
  k++;
  console.log("waiting for the payment gateway (" + k + ")");
  if (k % 3 === 0) console.error("warn: gateway slow");
}, 300);
`;

/** A git repository inside the server's REPO_ROOTS holding both suites. */
export function suiteRepo(server: E2EServer): string {
  const dir = path.join(server.raw.dataDir, "repos", `suite-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "slow-suite.js"), SLOW_SUITE);
  writeFileSync(path.join(dir, "hang.js"), HANGING_SUITE);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=E2E", "-c", "user.email=e2e@example.test", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "--quiet", "--initial-branch=main");
  git("add", "-A");
  git("commit", "--quiet", "-m", "Test suites");
  return dir;
}

/** A project whose test command runs in a clone of suiteRepo(); `member` added as a member. */
export async function projectWithSuite(server: E2EServer, owner: User, member: User, name: string, testCommand: string) {
  const created = await server.request(owner, "POST", "/api/v1/projects", { name, repository_url: suiteRepo(server), test_command: testCommand });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const added = await server.request(owner, "POST", `/api/v1/projects/${id}/members`, { email: member.email, role: "member" });
  expect(added.status).toBe(201);
  return id;
}
