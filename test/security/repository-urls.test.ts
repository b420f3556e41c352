// Issue #10, attack 8 (SSRF): `repository_url: http://127.0.0.1:<port>/probe.git` made the server fetch that URL,
// with the server's own git credentials and ~/.ssh for any host. Against a real server: every way of naming a
// loopback or private address is refused with 400 on repository_url and nothing reaches the listening port; a
// host outside GIT_ALLOWED_HOSTS is refused; local repositories must be inside REPO_ROOTS, checked again at
// fetch time (a symlink placed after the project was saved does not lead out); credentials in a URL are shown
// to nobody.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startServer, type TestServer, type TestUser } from "../support/server";
import { git, makeRepo } from "../support/repos";

let s: TestServer;
let owner: TestUser;
let probe: Server;
let hits = 0;
let port = 0;
const outside = mkdtempSync(path.join(tmpdir(), "switchboard-outside-"));


beforeAll(async () => {
  probe = createServer((req, res) => {
    hits++;
    res.end("no");
  });
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  port = (probe.address() as { port: number }).port;
  // "localhost" allowed on purpose: a host on the list that resolves to loopback must still be refused.
  s = await startServer({ env: { GIT_ALLOWED_HOSTS: "github.com,gitlab.com,localhost,*.example.com" } });
  owner = await s.createUser("Owner");
});
afterAll(async () => {
  await s?.stop();
  await new Promise<void>((r) => probe.close(() => r()));
  rmSync(outside, { recursive: true, force: true });
});

const create = (repository_url: string) => s.request("POST", "/api/v1/projects", { token: owner.token, body: { name: "ssrf", repository_url } });

function expectRefused(r: { status: number; body: any }, url: string) {
  expect(r.status, `${url}: ${JSON.stringify(r.body)}`).toBe(400);
  expect(r.body.error.code).toBe("VALIDATION_FAILED");
  expect(r.body.error.details[0].field).toBe("repository_url");
}

describe("attack 8: repository URLs cannot make the server fetch what it should not", () => {
  it("loopback and private addresses, in every spelling, are refused on create and update; nothing reaches the port", async () => {
    const urls = [
      `http://127.0.0.1:${port}/probe.git`,
      `https://127.0.0.1:${port}/probe.git`,
      `http://localhost:${port}/probe.git`, // allowed host, resolves to 127.0.0.1
      `http://LOCALHOST.:${port}/probe.git`,
      `http://[::1]:${port}/probe.git`,
      `http://2130706433:${port}/probe.git`,
      `http://0x7f000001:${port}/probe.git`,
      `http://127.1:${port}/probe.git`,
      `git://127.0.0.1:${port}/probe.git`,
      `ssh://git@127.0.0.1:${port}/probe.git`,
      `git@127.0.0.1:probe.git`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://10.0.0.1/x.git`,
      `http://evil.test:${port}/probe.git`, // not on the list
      `https://github.com.evil.test/acme/x.git`,
      `ext::sh -c touch% /tmp/pwned`,
      `file:///etc/passwd`,
      `/etc`,
      `${s.dataDir}/repos/../auth_secret`,
    ];
    for (const url of urls) expectRefused(await create(url), url);
    const p = await s.createProject(owner, { repository_url: "https://github.com/acme/fine" });
    for (const url of urls.slice(0, 5)) {
      expectRefused(await s.request("PUT", `/api/v1/projects/${p.id}`, { token: owner.token, body: { repository_url: url } }), url);
    }
    expect(hits).toBe(0);
  });

  it("the refusal says why", async () => {
    const lo = await create(`http://localhost:${port}/probe.git`);
    expect(lo.body.error.details[0].message).toMatch(/resolves to (127\.0\.0\.1|::1).*loopback/);
    const ip = await create(`http://127.0.0.1:${port}/probe.git`);
    expect(ip.body.error.details[0].message).toMatch(/IP address/);
    const host = await create("https://evil.test/acme/x.git");
    expect(host.body.error.details[0].message).toMatch(/GIT_ALLOWED_HOSTS/);
  });

  it("allowed forms still work: hosts of GIT_ALLOWED_HOSTS (https, ssh, scp-like, a wildcard) and local repositories inside REPO_ROOTS", async () => {
    for (const url of ["https://github.com/acme/x", "git@github.com:acme/x.git", "ssh://git@gitlab.com/acme/x", "https://git.example.com/acme/x.git"]) {
      expect((await create(url)).status, url).toBe(201);
    }
    const repo = makeRepo(path.join(s.dataDir, "repos", `ok-${randomBytes(3).toString("hex")}`), { "hello.txt": "hi" });
    const p = await s.createProject(owner, { repository_url: repo });
    const files = await s.request("GET", `/api/v1/projects/${p.id}/files`, { token: owner.token });
    expect(files.body.files.map((f: { path: string }) => f.path)).toContain("hello.txt");
  });

  it("local paths are checked again at fetch time: a symlink placed after the project was saved does not lead out of REPO_ROOTS", async () => {
    const secretRepo = makeRepo(path.join(outside, "secret-repo"), { "secret.txt": "outside REPO_ROOTS" });
    const link = path.join(s.dataDir, "repos", `later-${randomBytes(3).toString("hex")}`);
    mkdirSync(path.dirname(link), { recursive: true });
    const p = await s.createProject(owner, { repository_url: link }); // does not exist yet: inside the root
    symlinkSync(secretRepo, link);
    // now the same URL is refused when saved …
    expectRefused(await create(link), link);
    // … and the fetch refuses it too: the workspace is `failed` with the reason, without the repository's files
    const files = await s.request("GET", `/api/v1/projects/${p.id}/files`, { token: owner.token });
    expect(files.status).toBe(409);
    expect(files.body.error.code).toBe("WORKSPACE_FAILED");
    expect(JSON.stringify(files.body)).not.toContain("secret.txt");
    const ws = await s.request("GET", `/api/v1/projects/${p.id}/workspace`, { token: owner.token });
    expect(ws.body).toMatchObject({ state: "failed", error: expect.stringContaining("must be inside") });
    expect(existsSync(path.join(s.dataDir, "workspaces", p.id, "secret.txt"))).toBe(false);
    expect(s.logs.join("\n")).toMatch(/clone of .* failed \(refused: repository_url local repositories must be inside/);
  });

  it("submodules of a cloned repository are not fetched", async () => {
    const inner = makeRepo(path.join(outside, "inner"), { "inner.txt": "from the submodule" });
    const outer = path.join(s.dataDir, "repos", `outer-${randomBytes(3).toString("hex")}`);
    makeRepo(outer, { "outer.txt": "x" });
    git(outer, "-c", "protocol.file.allow=always", "submodule", "add", "-q", inner, "sub");
    git(outer, "-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "sub");
    const p = await s.createProject(owner, { repository_url: outer });
    const files = await s.request("GET", `/api/v1/projects/${p.id}/files`, { token: owner.token });
    const paths = files.body.files.map((f: { path: string }) => f.path);
    expect(paths).toContain("outer.txt");
    expect(paths).not.toContain("sub/inner.txt");
  });

  it("credentials inside repository_url are shown to no one (https://***@host/...), and sending the masked URL back keeps them", async () => {
    const token = `glpat-${randomBytes(10).toString("hex")}`;
    const url = `https://oauth2:${token}@gitlab.com/acme/private.git`;
    const created = await create(url);
    expect(created.status).toBe(201);
    expect(created.body.repository_url).toBe("https://***@gitlab.com/acme/private.git");
    const viewer = await s.createUser("Viewer");
    await s.addMember(owner, created.body.id, viewer, "viewer");
    for (const who of [owner, viewer]) {
      const got = await s.request("GET", `/api/v1/projects/${created.body.id}`, { token: who.token });
      expect(JSON.stringify(got.body)).not.toContain(token);
      expect(got.body.repository_url).toBe("https://***@gitlab.com/acme/private.git");
    }
    const list = await s.request("GET", "/api/v1/projects", { token: owner.token });
    expect(JSON.stringify(list.body)).not.toContain(token);
    // a settings form sends the masked value back: stored credentials are kept, not replaced by ***
    const put = await s.request("PUT", `/api/v1/projects/${created.body.id}`, { token: owner.token, body: { repository_url: created.body.repository_url, name: "renamed" } });
    expect(put.status).toBe(200);
    expect(put.body.repository_url).toBe("https://***@gitlab.com/acme/private.git");
  });
});
