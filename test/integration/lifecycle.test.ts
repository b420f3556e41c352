// The process: refuses bad configuration with one line, keeps data across restarts, stops gracefully.
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { nextEvent, startExpectingFailure, startServer, testsUsePostgres, createTestDatabase } from "../support/server";

describe("bad configuration stops the process with one line naming the variable", () => {
  it.each([
    [{ PORT: "not-a-port" }, "PORT"],
    [{ DATABASE_URL: "mysql://localhost/db" }, "DATABASE_URL"],
    [{ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nothing" }, "DATABASE_URL"],
    [{ REDIS_URL: "redis://127.0.0.1:1" }, "REDIS_URL"],
    [{ CORS_ORIGINS: "*" }, "CORS_ORIGINS"],
    [{ ALLOW_SIGNUP: "perhaps" }, "ALLOW_SIGNUP"],
  ])("%o", async (env, variable) => {
    const { code, output, stderr } = await startExpectingFailure(env);
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});

describe("lifecycle", () => {
  it("keeps users, projects and events across a restart; AUTH_SECRET generated once stays valid", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "switchboard-restart-"));
    const db = testsUsePostgres() ? await createTestDatabase() : null;
    const env = { AUTH_SECRET: "" }; // let the server generate and persist it
    try {
      const one = await startServer({ dataDir, env, databaseUrl: db?.url });
      const u = await one.createUser("Persistent");
      const p = await one.createProject(u, { name: "Survivor" });
      await one.request("PUT", `/api/v1/projects/${p.id}`, { token: u.token, body: { description: "kept" } });
      expect(await one.stop()).toBe(0);

      const two = await startServer({ dataDir, env, databaseUrl: db?.url });
      try {
        const got = await two.request("GET", `/api/v1/projects/${p.id}`, { token: u.token }); // the old token still verifies
        expect(got.status).toBe(200);
        expect(got.body).toMatchObject({ name: "Survivor", description: "kept" });
        const ev = await two.request("GET", `/api/v1/projects/${p.id}/events`, { token: u.token });
        expect(ev.body.events.map((e: any) => e.type)).toEqual(["project.updated"]);
        expect(two.logs.join("\n")).not.toContain("applied migrations"); // nothing pending the second time
      } finally {
        await two.stop();
      }
    } finally {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("SIGTERM: tells connected clients, closes sockets and exits 0 within 10 s", async () => {
    const s = await startServer();
    const u = await s.createUser();
    const c = await s.connect({ auth: { token: u.token } });
    const shutdown = nextEvent(c, "server_shutdown");
    const disconnected = new Promise<string>((r) => c.once("disconnect", (reason) => r(reason)));
    const t0 = Date.now();
    s.proc.kill("SIGTERM");
    expect(await shutdown).toMatchObject({ type: "server.shutdown", data: { reason: "SIGTERM" } });
    expect(await disconnected).toBe("io server disconnect");
    expect(await s.waitExit()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(s.logs.join("\n")).toContain("[server] stopped");
    await s.stop();
  }, 60_000);

  it("ALLOW_SIGNUP=false: the first user may register, later ones get 403 SIGNUP_DISABLED", async () => {
    const s = await startServer({ env: { ALLOW_SIGNUP: "false" } });
    try {
      const first = await s.request("POST", "/api/v1/auth/register", { body: { email: "first@example.test", password: "long-password", name: "First" } });
      expect(first.status).toBe(201);
      expect(first.body.user.role).toBe("admin");
      const second = await s.request("POST", "/api/v1/auth/register", { body: { email: "second@example.test", password: "long-password", name: "Second" } });
      expect(second.status).toBe(403);
      expect(second.body.error.code).toBe("SIGNUP_DISABLED");
    } finally {
      await s.stop();
    }
  }, 60_000);
});
