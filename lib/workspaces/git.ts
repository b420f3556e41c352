// Running git in a workspace: argument arrays (no shell), a time limit, output capped, stdin for patches.
// Every git runs with a clean environment: no configuration but ours (no system or global file, so no
// credential helper, no url rewrites, no proxy), never a prompt, no SSH (no agent, no keys: ssh is not a
// protocol it may use), hooks off, no fsmonitor. What a test run writes cannot make git run a command.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { readdir, lstat } from "node:fs/promises";
import path from "node:path";
import { getConfig } from "../config";

type GitResult = { code: number; stdout: string; stderr: string };

/** Settings every git run gets (command-line scope: they win over a repository's own .git/config). */
const HARDENED: [string, string][] = [
  ["core.hooksPath", "/dev/null"],
  ["core.fsmonitor", "false"],
  ["credential.helper", ""],
  ["protocol.allow", "never"],
  ["submodule.recurse", "false"],
  ["http.followRedirects", "false"],
  // Workspaces are the server's own; after a sandboxed run their files belong to the sandbox uid.
  ["safe.directory", "*"],
];

function gitHome(): string {
  const home = path.join(getConfig().dataDir, "git-home");
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return home;
}

function gitEnv(extra: Record<string, string> = {}, config: [string, string][] = []): NodeJS.ProcessEnv {
  const all = [...HARDENED, ...config];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: gitHome(),
    LANG: "C",
    GIT_TERMINAL_PROMPT: "0", // never wait for credentials
    GIT_ASKPASS: "/bin/false",
    GIT_SSH_COMMAND: "false", // no SSH, whatever a URL or a config says (SSH_AUTH_SOCK is not passed either)
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_PROTOCOL_FROM_USER: "0",
    GIT_AUTHOR_NAME: "Switchboard",
    GIT_AUTHOR_EMAIL: "switchboard@localhost",
    GIT_COMMITTER_NAME: "Switchboard",
    GIT_COMMITTER_EMAIL: "switchboard@localhost",
    GIT_CONFIG_COUNT: String(all.length),
    ...extra,
  };
  all.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env as unknown as NodeJS.ProcessEnv;
}

type GitOptions = {
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Extra configuration (command-line scope). */
  config?: [string, string][];
  /** Kill git when this directory grows past maxBytes (checked every second). */
  watch?: { dir: string; maxBytes: number };
};

/** Bytes under a directory (links not followed), stopping once past `limit`. */
async function sizeOf(dir: string, limit: number): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length && total <= limit) {
    const d = stack.pop()!;
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) stack.push(full);
      else total += (await lstat(full).catch(() => ({ size: 0 }))).size;
    }
  }
  return total;
}

export function git(cwd: string, args: string[], opts: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn("git", args, { cwd, env: gitEnv(opts.env, opts.config), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let why: string | null = null;
    const cap = 8 * 1024 * 1024;
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < cap) stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < cap) stderr += c.toString();
    });
    const kill = (reason: string) => {
      why ??= reason;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => kill("time limit"), opts.timeoutMs ?? 60_000);
    let checking = false;
    const watcher = opts.watch
      ? setInterval(() => {
          if (checking) return;
          checking = true;
          void sizeOf(opts.watch!.dir, opts.watch!.maxBytes)
            .then((n) => n > opts.watch!.maxBytes && kill(`size limit of ${opts.watch!.maxBytes} bytes`))
            .finally(() => (checking = false));
        }, 1000)
      : null;
    const done = () => {
      clearTimeout(timer);
      if (watcher) clearInterval(watcher);
    };
    child.on("error", (e) => {
      done();
      resolve({ code: 127, stdout, stderr: stderr + e.message });
    });
    child.on("close", (code, signal) => {
      done();
      resolve({ code: code ?? (signal ? 124 : 1), stdout, stderr: signal ? `${stderr}git killed by ${signal} (${why ?? "signal"})` : stderr });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  });
}

export async function gitOk(cwd: string, args: string[], opts?: GitOptions): Promise<string> {
  const r = await git(cwd, args, opts);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
