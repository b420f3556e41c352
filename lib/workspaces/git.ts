// Running git in a workspace: argument arrays (no shell), a time limit, output capped, stdin for patches.
import { spawn } from "node:child_process";

export type GitResult = { code: number; stdout: string; stderr: string };

const GIT_ENV = {
  GIT_TERMINAL_PROMPT: "0", // never wait for credentials
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Switchboard",
  GIT_AUTHOR_EMAIL: "switchboard@localhost",
  GIT_COMMITTER_NAME: "Switchboard",
  GIT_COMMITTER_EMAIL: "switchboard@localhost",
};

export function git(cwd: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn("git", args, {
      cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...GIT_ENV, ...opts.env } as unknown as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const cap = 8 * 1024 * 1024;
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < cap) stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < cap) stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: stderr + e.message });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 124 : 1), stdout, stderr: signal ? `${stderr}git killed by ${signal} (time limit)` : stderr });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  });
}

export async function gitOk(cwd: string, args: string[], opts?: Parameters<typeof git>[2]): Promise<string> {
  const r = await git(cwd, args, opts);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
