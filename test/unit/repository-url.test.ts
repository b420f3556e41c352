// Repository URLs (issue #10, attack 8): the checks at fetch time against DNS answers that change (rebinding),
// the address git is pinned to, the addresses that count as not public, and the environment git runs with.
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig, setConfig, ConfigError } from "@/lib/config";
import { checkRepositoryUrl, isNonPublicAddress, maskRepositoryUrl, planFetch } from "@/lib/projects/repository-url";
import { git } from "@/lib/workspaces/git";

const answers = (...addresses: string[]) => async () => addresses.map((address) => ({ address }));
const fails = async () => {
  throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
};

beforeAll(() => {
  setConfig(parseConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "sb-repo-url-")), AUTH_SECRET: "x".repeat(32) }));
});

describe("addresses", () => {
  it.each(["127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:8.8.8.8", "64:ff9b::7f00:1", "2002:7f00:1::1", "ff02::1", "not-an-ip"])(
    "%s is not public",
    (a) => expect(isNonPublicAddress(a)).toBe(true),
  );
  it.each(["140.82.112.3", "8.8.8.8", "172.32.0.1", "2606:50c0:8000::153", "2001:4860:4860::8888"])("%s is public", (a) => expect(isNonPublicAddress(a)).toBe(false));
});

describe("at fetch time", () => {
  it("a host that resolved to a public address when saved and to loopback now (DNS rebinding) is refused", async () => {
    const url = "https://github.com/acme/x.git";
    expect(await checkRepositoryUrl(url, answers("140.82.112.3"))).toBe(url);
    await expect(planFetch(url, answers("127.0.0.1"))).rejects.toThrow(/resolves to 127\.0\.0\.1/);
    await expect(planFetch(url, answers("140.82.112.3", "10.0.0.7"))).rejects.toThrow(/10\.0\.0\.7/); // any of them
  });

  it("a host that does not resolve is accepted when saved (checked later) but never fetched blind", async () => {
    expect(await checkRepositoryUrl("https://github.com/acme/x", fails)).toBe("https://github.com/acme/x");
    await expect(planFetch("https://github.com/acme/x", fails)).rejects.toThrow(/does not resolve/);
  });

  it("git is pinned to the address that was checked, over HTTPS whatever the URL's form, credentials kept", async () => {
    expect(await planFetch("git@github.com:acme/x.git", answers("140.82.112.3"))).toEqual({
      kind: "remote",
      url: "https://github.com/acme/x.git",
      host: "github.com",
      pin: "github.com:443:140.82.112.3",
    });
    expect(await planFetch("ssh://git@github.com:2222/acme/x", answers("2606:50c0:8000::153"))).toMatchObject({ url: "https://github.com/acme/x", pin: "github.com:443:[2606:50c0:8000::153]" });
    expect(await planFetch("http://u:tok@github.com/acme/x", answers("140.82.112.3"))).toMatchObject({ url: "https://u:tok@github.com/acme/x" });
  });

  it("a host no longer in GIT_ALLOWED_HOSTS is refused", async () => {
    await expect(planFetch("https://bitbucket.example/acme/x", answers("140.82.112.3"))).rejects.toThrow(/not allowed/);
  });
});

describe("display", () => {
  it.each([
    ["https://user:secret@github.com/acme/x.git", "https://***@github.com/acme/x.git"],
    ["https://ghp_abc@github.com/acme/x.git", "https://***@github.com/acme/x.git"],
    ["https://a:p@ss@github.com/acme/x", "https://***@github.com/acme/x"],
    ["https://github.com/acme/x@v1", "https://github.com/acme/x@v1"],
    ["git@github.com:acme/x.git", "git@github.com:acme/x.git"],
  ])("%s is shown as %s", (raw, shown) => expect(maskRepositoryUrl(raw)).toBe(shown));
});

describe("configuration", () => {
  it("GIT_ALLOWED_HOSTS: a default, and names only", () => {
    const d = mkdtempSync(path.join(tmpdir(), "sb-repo-url-"));
    expect(parseConfig({ DATA_DIR: d }).git.allowedHosts).toEqual(["github.com", "gitlab.com", "bitbucket.org"]);
    expect(parseConfig({ DATA_DIR: d, GIT_ALLOWED_HOSTS: "git.corp.example, *.example.org" }).git.allowedHosts).toEqual(["git.corp.example", "*.example.org"]);
    expect(() => parseConfig({ DATA_DIR: d, GIT_ALLOWED_HOSTS: "https://github.com" })).toThrow(ConfigError);
  });
});

describe("git's environment", () => {
  it("no credential helper, url rewrite or hook from the user's or system configuration; no SSH agent; no prompt", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "sb-home-"));
    writeFileSync(path.join(home, ".gitconfig"), '[credential]\n\thelper = store\n[url "http://127.0.0.1/"]\n\tinsteadOf = https://github.com/\n');
    const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };
    process.env.HOME = home;
    process.env.SSH_AUTH_SOCK = "/tmp/agent.sock";
    try {
      const dir = mkdtempSync(path.join(tmpdir(), "sb-git-"));
      expect((await git(dir, ["config", "--get", "credential.helper"])).stdout.trim()).toBe("");
      expect((await git(dir, ["config", "--get-regexp", "^url\\."])).stdout.trim()).toBe("");
      expect((await git(dir, ["config", "--get", "core.hooksPath"])).stdout.trim()).toBe("/dev/null");
      const env = (await git(dir, ["-c", "alias.env=!env", "env"])).stdout;
      expect(env).not.toMatch(/^SSH_AUTH_SOCK=/m);
      expect(env).toMatch(/^GIT_TERMINAL_PROMPT=0$/m);
      expect(env).toMatch(/^GIT_SSH_COMMAND=false$/m);
    } finally {
      process.env.HOME = saved.HOME;
      if (saved.SSH_AUTH_SOCK === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved.SSH_AUTH_SOCK;
    }
  });
});
