// The sandbox every test command runs in (issue #10, attack 1): bubblewrap, entered by an unprivileged uid
// with an empty environment. What a run sees:
//   - its workspace at /workspace, writable (its .git read-only: the server runs git there afterwards, and a
//     hook or a config written by a run must never run outside the sandbox);
//   - /usr (and /bin, /lib, /lib64 as in the host), a few files of /etc (certificates, passwd/group, the
//     loader's cache, alternatives, hosts/resolv.conf), the node install and TEST_RUN_SANDBOX_PATHS, read-only;
//   - a private /tmp and HOME (tmpfs, TEST_RUN_TMP_BYTES each), its own /proc (PID namespace) and a minimal /dev;
//   - no network (an empty network namespace: loopback is its own) unless TEST_RUN_NETWORK=host;
//   - an environment of PATH, HOME, TMPDIR, LANG, CI, TERM, NO_COLOR, FORCE_COLOR, NODE_ENV only;
//   - limits per process: CPU seconds, processes of the sandbox uid, file size (prlimit).
// Nothing of DATA_DIR (database, auth secret, other workspaces, run logs) nor of the server's directory is
// mounted. As root the server drops to TEST_RUN_SANDBOX_UID with setpriv *before* bwrap: with `bwrap --uid`
// alone a run would still own every root-owned file bound in. Unprivileged, the run keeps the server's uid
// (nothing of the server's files is mounted either way).
import { logger } from "../logger";
import { execFile, spawn } from "node:child_process";
import { existsSync, lstatSync, readlinkSync, statSync } from "node:fs";
import { chmod, lchown, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { AppConfig } from "../config";
import { AppError } from "../errors";
import { peekPart, setPart } from "../runtime";

const BWRAP = "/usr/bin/bwrap";
const SETPRIV = "/usr/bin/setpriv";
const PRLIMIT = "/usr/bin/prlimit";
const INSIDE_WORKSPACE = "/workspace";
const INSIDE_HOME = "/home/run";
const PROBE_TTL_MS = 30_000;

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** The node install the server runs with, when it is not under /usr (nvm, /opt/node …): bound read-only. */
function nodePrefix(): string | null {
  const prefix = path.dirname(path.dirname(process.execPath));
  if (prefix === "/usr" || prefix.startsWith("/usr/")) return null;
  // Never bind the whole host or anything that holds the server's own files (node at /bin/node, /app/bin/node).
  const cwd = process.cwd();
  if (prefix === "/" || cwd === prefix || cwd.startsWith(prefix + "/")) {
    logger().warn(`[test-runs] node lives in ${process.execPath}: its prefix is not bound into runs (it would expose ${prefix})`);
    return null;
  }
  return prefix;
}

/**
 * Whether `uid` may reach `p` (search permission on every directory above it, read on it): bwrap resolves what
 * it binds as the sandbox uid.
 */
function reachableBy(uid: number, p: string): boolean {
  if (!isRoot()) return existsSync(p);
  try {
    const parts = path.resolve(p).split(path.sep).filter(Boolean);
    for (let i = 0; i <= parts.length; i++) {
      const st = statSync("/" + parts.slice(0, i).join("/"));
      const last = i === parts.length;
      const need = last ? (st.isDirectory() ? 0o5 : 0o4) : 0o1;
      const bits = st.uid === uid ? (st.mode >> 6) & 7 : st.gid === uid ? (st.mode >> 3) & 7 : st.mode & 7;
      if ((bits & need) !== need) return false;
    }
    return true;
  } catch {
    return false;
  }
}

const warned = new Set<string>();
/** Read-only paths beside the system: the node install (when not under /usr) and TEST_RUN_SANDBOX_PATHS. */
function extraPaths(cfg: AppConfig["testRuns"]): string[] {
  const np = nodePrefix();
  return [...(np ? [np] : []), ...cfg.sandboxPaths].filter((p) => {
    if (!existsSync(p)) return false;
    if (reachableBy(cfg.sandboxUid, p)) return true;
    if (!warned.has(p)) {
      warned.add(p);
      logger().warn(`[test-runs] ${p} is not readable by the sandbox uid ${cfg.sandboxUid} (a directory above it lacks o+x): runs will not see it`);
    }
    return false;
  });
}

/** PATH inside a run. */
function sandboxPath(): string {
  const p = nodePrefix();
  return [...(p ? [path.join(p, "bin")] : []), "/usr/local/bin", "/usr/bin", "/bin"].join(":");
}

/** The environment of the command inside the sandbox: nothing of the server's. */
function sandboxEnv(home: string, tmp: string): Record<string, string> {
  return { PATH: sandboxPath(), HOME: home, TMPDIR: tmp, LANG: "C.UTF-8", CI: "true", TERM: "dumb", NO_COLOR: "1", FORCE_COLOR: "0", NODE_ENV: "test" };
}

/** /bin, /lib, /lib64, /sbin: a symlink into /usr on merged-/usr systems (kept a symlink), else a directory. */
function systemDir(dir: string): string[] {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return [];
  }
  if (st.isSymbolicLink()) return ["--symlink", readlinkSync(dir), dir];
  return ["--ro-bind", dir, dir];
}

const ETC = ["/etc/ssl", "/etc/ca-certificates", "/etc/alternatives", "/etc/passwd", "/etc/group", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/nsswitch.conf", "/etc/python3", "/etc/mime.types", "/etc/hosts"];
const ETC_NET = ["/etc/resolv.conf", "/etc/gai.conf", "/etc/host.conf"];

type SandboxSpawn = { file: string; args: string[]; env: NodeJS.ProcessEnv };

/**
 * The argv that runs `command` under /bin/sh inside the sandbox, in `workspace` (a directory the sandbox uid may
 * write). Spawn it with exactly `env` (empty: bwrap's own environment stays out of /proc/1/environ).
 */
export function sandboxSpawn(cfg: AppConfig["testRuns"], workspace: string, command: string): SandboxSpawn {
  const bw: string[] = ["--unshare-all"];
  if (cfg.network === "host") bw.push("--share-net");
  bw.push("--die-with-parent", "--new-session", "--hostname", "switchboard-run");
  bw.push("--ro-bind", "/usr", "/usr");
  for (const d of ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]) bw.push(...systemDir(d));
  for (const f of [...ETC, ...(cfg.network === "host" ? ETC_NET : [])]) bw.push("--ro-bind-try", f, f);
  bw.push("--proc", "/proc", "--dev", "/dev");
  bw.push("--size", String(cfg.tmpBytes), "--tmpfs", "/tmp");
  bw.push("--size", String(cfg.tmpBytes), "--tmpfs", INSIDE_HOME);
  // After the tmpfs mounts: an install under /tmp (a checkout in /tmp/…) would otherwise be hidden by them.
  for (const p of extraPaths(cfg)) bw.push("--ro-bind", p, p);
  bw.push("--bind", workspace, INSIDE_WORKSPACE);
  if (existsSync(path.join(workspace, ".git"))) bw.push("--ro-bind", path.join(workspace, ".git"), path.join(INSIDE_WORKSPACE, ".git"));
  bw.push("--chdir", INSIDE_WORKSPACE, "--clearenv");
  for (const [k, v] of Object.entries(sandboxEnv(INSIDE_HOME, "/tmp"))) bw.push("--setenv", k, v);
  // Limits for every process of the run: CPU seconds each, processes of the sandbox uid, bytes per file written.
  bw.push(PRLIMIT, `--cpu=${cfg.cpuSeconds}`, `--nproc=${cfg.maxProcesses}`, `--fsize=${cfg.maxFileBytes}`, "--core=0", "--", "/bin/sh", "-c", command);
  if (isRoot()) {
    const id = String(cfg.sandboxUid);
    return { file: SETPRIV, args: ["--reuid", id, "--regid", id, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--", BWRAP, ...bw], env: {} as NodeJS.ProcessEnv };
  }
  return { file: BWRAP, args: bw, env: {} as NodeJS.ProcessEnv };
}

/**
 * Give the sandbox uid the workspace (not its .git, which a run sees read-only). lchown never follows a link,
 * and links are not descended. A no-op unless the server runs as root.
 */
export async function handWorkspaceToSandbox(cfg: AppConfig["testRuns"], dir: string): Promise<void> {
  if (!isRoot()) return;
  const uid = cfg.sandboxUid;
  await lchown(dir, uid, uid);
  // coreutils' chown -R -P walks with descriptors and never follows a symlink, on the command line (-h)
  // or below: a run of this project swapping a directory for a link to / while the next run is prepared
  // cannot turn this into a chown of the host. A walk by path in JS could.
  const top = (await readdir(dir).catch(() => [] as string[])).filter((n) => n !== ".git").map((n) => path.join(dir, n));
  for (let i = 0; i < top.length; i += 500) {
    await new Promise<void>((resolve) => {
      execFile("chown", ["-R", "-P", "-h", `${uid}:${uid}`, "--", ...top.slice(i, i + 500)], { timeout: 60_000 }, () => resolve());
    });
  }
}

/**
 * As root, bwrap resolves the workspace as the sandbox uid: DATA_DIR and DATA_DIR/workspaces become
 * search-only for others (0711: nothing in them can be listed), and everything else in DATA_DIR is closed
 * (directories 0700, files 0600): the database, run logs, local repositories and the secret stay the server's.
 */
export async function prepareDataDir(cfg: AppConfig): Promise<void> {
  if (!isRoot() || cfg.testRuns.sandbox === "off") return;
  const ws = path.join(cfg.dataDir, "workspaces");
  await mkdir(ws, { recursive: true });
  for (const d of [cfg.dataDir, ws]) await chmod(d, 0o711);
  for (const e of await readdir(cfg.dataDir, { withFileTypes: true })) {
    if (e.name === "workspaces" || e.isSymbolicLink()) continue;
    await chmod(path.join(cfg.dataDir, e.name), e.isDirectory() ? 0o700 : 0o600).catch(() => {});
  }
}

export type SandboxStatus = { ok: true } | { ok: false; reason: string };

type Probe = { at: number; result: Promise<SandboxStatus> };

/** How to get the sandbox working, for the 503 and the boot log. */
export function sandboxHelp(reason: string): string {
  return (
    `Test runs are sandboxed with bubblewrap, which cannot start here (${reason}). Install it (Debian/Ubuntu: apt-get install bubblewrap` +
    `${isRoot() ? "; util-linux for setpriv and prlimit" : ""}) and allow unprivileged user namespaces (sysctl user.max_user_namespaces > 0, ` +
    `kernel.unprivileged_userns_clone=1 where it exists; in a container, a seccomp/AppArmor profile that permits them). ` +
    `TEST_RUN_SANDBOX=off runs commands unsandboxed, as the server's user: only for a machine where everyone who can start a run is trusted.`
  );
}

/** Start a sandbox that runs `true` in an empty workspace: does bwrap work here, with these settings? */
async function probe(cfg: AppConfig): Promise<SandboxStatus> {
  for (const [bin, what] of [[BWRAP, "bubblewrap"], [PRLIMIT, "prlimit (util-linux)"], ...(isRoot() ? [[SETPRIV, "setpriv (util-linux)"]] : [])] as const) {
    if (!existsSync(bin)) return { ok: false, reason: `${bin} (${what}) is not installed` };
  }
  // Where workspaces are, so that a directory the sandbox uid cannot pass shows here.
  await mkdir(path.join(cfg.dataDir, "workspaces"), { recursive: true });
  const ws = await mkdtemp(path.join(cfg.dataDir, "workspaces", ".probe-"));
  try {
    await handWorkspaceToSandbox(cfg.testRuns, ws);
    const s = sandboxSpawn(cfg.testRuns, ws, "echo sandbox-ok > probe && cat probe");
    return await new Promise<SandboxStatus>((resolve) => {
      const child = spawn(/*turbopackIgnore: true*/ s.file, s.args, { env: s.env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString().slice(0, 2000)));
      child.stderr.on("data", (c: Buffer) => (out += c.toString().slice(0, 2000)));
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.once("error", (e) => {
        clearTimeout(timer);
        resolve({ ok: false, reason: e.message });
      });
      child.once("close", (code) => {
        clearTimeout(timer);
        if (code === 0 && out.includes("sandbox-ok")) resolve({ ok: true });
        else {
          const last = out.trim().split("\n").pop()?.slice(0, 300) ?? "";
          const hint = /permission denied/i.test(last) && isRoot() ? `; the sandbox uid ${cfg.testRuns.sandboxUid} must be able to pass (o+x) every directory above ${path.join(cfg.dataDir, "workspaces")}` : "";
          resolve({ ok: false, reason: `bwrap exited with ${code}: ${last}${hint}` });
        }
      });
    });
  } finally {
    await rm(ws, { recursive: true, force: true }).catch(() => {});
  }
}

/** Whether runs can be sandboxed (probed once, again after PROBE_TTL_MS when it failed). */
export function sandboxStatus(cfg: AppConfig): Promise<SandboxStatus> {
  const cached = peekPart<Probe>("sandboxProbe");
  if (cached) {
    const fresh = Date.now() - cached.at < PROBE_TTL_MS;
    return cached.result.then((r) => (r.ok || fresh ? r : sandboxStatusFresh(cfg)));
  }
  return sandboxStatusFresh(cfg);
}

function sandboxStatusFresh(cfg: AppConfig): Promise<SandboxStatus> {
  const result = probe(cfg).catch((e: Error) => ({ ok: false, reason: e.message }) as SandboxStatus);
  setPart<Probe>("sandboxProbe", { at: Date.now(), result });
  return result;
}

/** 503 SANDBOX_UNAVAILABLE unless runs can start (always fine with TEST_RUN_SANDBOX=off). */
export async function requireSandbox(cfg: AppConfig): Promise<void> {
  if (cfg.testRuns.sandbox === "off") return;
  const s = await sandboxStatus(cfg);
  if (!s.ok) throw new AppError("SANDBOX_UNAVAILABLE", 503, sandboxHelp(s.reason));
}
