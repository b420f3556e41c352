// repository_url (issue #10, attack 8: `http://127.0.0.1:<port>/probe.git` made the server fetch it, with its
// own git credentials and ~/.ssh for any host). What may be named:
//   - a remote repository on a host of GIT_ALLOWED_HOSTS (exact, or `*.example.com`), as https://, http://,
//     git://, ssh:// or git@host:owner/repo — fetched over HTTPS only, whatever the form;
//   - a local path or file:// URL inside one of REPO_ROOTS.
// IP literals are refused, and so is a host that resolves to a loopback, private, link-local or otherwise
// non-public address: when the project is created or changed (400 VALIDATION_FAILED on repository_url), and
// again right before each fetch, whose connection is pinned to the address that was checked (DNS rebinding).
import { lookup } from "node:dns/promises";
import { realpathSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../errors";
import { getConfig } from "../config";

const REMOTE = /^(https?|git|ssh):\/\/\S+$/i;
const SCP_LIKE = /^[\w.-]+@([\w.-]+):(?!\/\/)[\w./~-]+$/; // git@github.com:owner/repo.git

function invalid(message: string) {
  return new AppError("VALIDATION_FAILED", 400, "The request is not valid", [{ field: "repository_url", message }]);
}

/** Addresses a fetch may never reach: loopback, private, link-local, CGNAT, documentation, multicast, reserved. */
const NOT_PUBLIC = (() => {
  const b = new BlockList();
  for (const [net, bits] of [
    ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
    ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
    ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
  ] as const) b.addSubnet(net, bits, "ipv4");
  for (const [net, bits] of [
    ["::", 128], ["::1", 128], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001::", 23],
    ["2001:db8::", 32], ["2002::", 16], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
  ] as const) b.addSubnet(net, bits, "ipv6");
  return b;
})();

/** Whether an address (v4 or v6, v4-mapped included) is one a fetch must not reach. */
export function isNonPublicAddress(address: string): boolean {
  const kind = isIP(address);
  if (kind === 0) return true;
  if (kind === 6 && /^::ffff:/i.test(address)) return true; // IPv4-mapped: refused as such
  return NOT_PUBLIC.check(address, kind === 4 ? "ipv4" : "ipv6");
}

export type RepoSource =
  | { kind: "local"; path: string }
  /** `url`: what git fetches (https://, the original credentials kept); `host`/`port`: what it connects to. */
  | { kind: "remote"; url: string; host: string; port: number };

/** The host name of a URL as git would use it (brackets of IPv6 literals removed, lower case, no trailing dot). */
const hostOf = (h: string) => h.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();

export function hostAllowed(host: string, allowed = getConfig().git.allowedHosts): boolean {
  return allowed.some((a) => (a.startsWith("*.") ? host.endsWith(a.slice(1)) && host.length > a.length - 1 : host === a));
}

/** Parse a repository URL into what would be fetched, or throw 400 (no network involved). */
export function parseRepositoryUrl(value: string): RepoSource {
  const cfg = getConfig();
  let host: string;
  let pathPart: string;
  let userinfo = "";
  let port = 443;
  if (SCP_LIKE.test(value)) {
    const m = SCP_LIKE.exec(value)!;
    host = hostOf(m[1]!);
    pathPart = "/" + value.slice(value.indexOf(":") + 1).replace(/^\/+/, "");
  } else if (REMOTE.test(value)) {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw invalid("is not a valid URL");
    }
    host = hostOf(u.hostname);
    pathPart = u.pathname + u.search;
    if (/^https?:$/i.test(u.protocol)) {
      if (u.username || u.password) userinfo = `${u.username}${u.password ? ":" + u.password : ""}@`;
      if (u.port) port = Number(u.port);
    }
  } else {
    return { kind: "local", path: checkLocal(value, cfg.repoRoots) };
  }
  if (!host) throw invalid("has no host");
  if (isIP(host) || /^[\d.]+$/.test(host) || /^0x/i.test(host)) throw invalid("names an IP address; name the repository by a host in GIT_ALLOWED_HOSTS");
  if (!hostAllowed(host, cfg.git.allowedHosts)) {
    throw invalid(`host ${host} is not allowed (GIT_ALLOWED_HOSTS: ${cfg.git.allowedHosts.join(", ") || "none"}; local repositories: a path inside REPO_ROOTS)`);
  }
  if (pathPart.length < 2) throw invalid("names no repository");
  return { kind: "remote", url: `https://${userinfo}${host}${port === 443 ? "" : ":" + port}${pathPart}`, host, port };
}

function checkLocal(value: string, roots: string[]): string {
  let local: string;
  if (value.startsWith("file://")) {
    try {
      local = fileURLToPath(value);
    } catch {
      throw invalid("is not a valid file:// URL");
    }
  } else if (value.startsWith("/")) {
    local = value;
  } else {
    throw invalid("must be a git URL (https://, ssh://, git@host:owner/repo) on a host of GIT_ALLOWED_HOSTS, or a local path inside REPO_ROOTS");
  }
  const inside = (p: string, rs: string[]) => rs.some((r) => p === r || p.startsWith(r + path.sep));
  const resolved = path.resolve(local);
  if (!inside(resolved, roots)) throw invalid(`local repositories must be inside ${roots.join(", ")} (REPO_ROOTS)`);
  // A symlink inside a root may lead out of it: compare real paths where they exist.
  let real: string | null = null;
  try {
    real = realpathSync(resolved);
  } catch {
    /* not there (yet) */
  }
  if (real) {
    const realRoots = roots.map((r) => {
      try {
        return realpathSync(r);
      } catch {
        return r;
      }
    });
    if (!inside(real, realRoots)) throw invalid(`local repositories must be inside ${roots.join(", ")} (REPO_ROOTS)`);
  }
  return real ?? resolved;
}

type Lookup = (host: string) => Promise<{ address: string }[]>;
const dnsLookup: Lookup = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Validate (and keep as given) a repository URL for create/update, or throw 400; null/"" clears it.
 * A host that does not resolve now is accepted (it is checked again before every fetch).
 */
export async function checkRepositoryUrl(value: string | null | undefined, resolve: Lookup = dnsLookup): Promise<string | null> {
  if (value == null || value === "") return null;
  const src = parseRepositoryUrl(value);
  if (src.kind === "remote") {
    const addrs = await resolve(src.host).catch(() => null);
    const bad = addrs?.find((a) => isNonPublicAddress(a.address));
    if (bad) throw invalid(`host ${src.host} resolves to ${bad.address}, a loopback, private or reserved address`);
  }
  return value;
}

export type FetchPlan =
  | { kind: "local"; path: string }
  /** `pin`: git's http.curloptResolve entry (host:port:address), so git connects to the address checked here. */
  | { kind: "remote"; url: string; host: string; pin: string };

/** Right before a fetch: the same rules against today's configuration and DNS. Throws Error with the reason. */
export async function planFetch(value: string, resolve: Lookup = dnsLookup): Promise<FetchPlan> {
  let src: RepoSource;
  try {
    src = parseRepositoryUrl(value);
  } catch (e) {
    const d = (e as AppError).details as { message: string }[] | undefined;
    throw new Error(`repository_url ${d?.[0]?.message ?? "is not allowed"}`);
  }
  if (src.kind === "local") return src;
  const addrs = await resolve(src.host).catch((e: Error) => {
    throw new Error(`${src.host} does not resolve (${(e as NodeJS.ErrnoException).code ?? e.message})`);
  });
  if (!addrs.length) throw new Error(`${src.host} does not resolve`);
  const bad = addrs.find((a) => isNonPublicAddress(a.address));
  if (bad) throw new Error(`${src.host} resolves to ${bad.address}, a loopback, private or reserved address`);
  const first = addrs[0]!.address;
  return { kind: "remote", url: src.url, host: src.host, pin: `${src.host}:${src.port}:${isIP(first) === 6 ? `[${first}]` : first}` };
}

/** repository_url as shown to everyone: credentials in it replaced, `https://***@host/...`. */
export function maskRepositoryUrl(value: string | null): string | null {
  if (!value) return value;
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i.exec(value);
  return m ? `${m[1]}***@${value.slice(m[0].length)}` : value;
}
