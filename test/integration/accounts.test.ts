// Accounts and audit against a real server with sign-up closed (ALLOW_SIGNUP=false): the admin REST and its
// attacks (non-admins on every admin route, reused/expired/revoked invites and reset links, the last admin
// demoting or disabling themself, a password change without the current password), a disabled account's
// credentials and live socket, the audit log, the counters and the logs (which never hold a secret).
// The last block runs two processes behind Redis (TEST_DB=postgres TEST_REDIS=1): a disabled user's
// socket on the other process is disconnected at once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { nextEvent, startPair, startServer, type TestServer, type TestUser } from "../support/server";

const PASSWORD = "correct-horse-battery";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uniq = () => Math.random().toString(36).slice(2, 8);

/** Resolves with the auth_error payload and the disconnect reason. */
const kicked = (c: Socket, timeoutMs = 15_000) =>
  Promise.all([nextEvent(c, "auth_error", () => true, timeoutMs), new Promise<string>((resolve) => c.once("disconnect", (reason) => resolve(reason)))]);

/** An account made by an admin (sign-up is closed), with a Bearer token. */
async function makeUser(s: TestServer, admin: TestUser, name: string, role: "admin" | "user" = "user"): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/\W/g, "")}-${uniq()}@example.test`;
  const r = await s.request("POST", "/api/v1/users", { token: admin.token, body: { email, name, password: PASSWORD, role } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const t = await s.request("POST", "/api/v1/auth/token", { body: { email, password: PASSWORD } });
  expect(t.status, JSON.stringify(t.body)).toBe(200);
  return { id: r.body.id, email, name, role, password: PASSWORD, token: t.body.token };
}

const signIn = (s: TestServer, email: string, password: string) => s.request("POST", "/api/v1/auth/token", { body: { email, password } });

// Generous: bcrypt and a loaded machine make a registration or sign-in take seconds.
describe("accounts with sign-up closed", { timeout: 180_000 }, () => {
  let s: TestServer;
  let admin: TestUser;
  let alice: TestUser;
  const secrets: string[] = []; // every secret handed out: none may appear in a log line or the audit log

  beforeAll(async () => {
    s = await startServer({ env: { ALLOW_SIGNUP: "false", RATE_LIMIT_AUTH_PER_MINUTE: "10000", RATE_LIMIT_REST_PER_MINUTE: "100000" } });
    admin = await s.createUser("Admin"); // the first account may register and is admin
    expect(admin.role).toBe("admin");
    alice = await makeUser(s, admin, "Alice");
    secrets.push(admin.token, alice.token, PASSWORD);
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  });
  afterEach(() => s.closeSockets());

  it("refuses a non-admin (and an anonymous caller) on every admin route", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/v1/users"],
      ["POST", "/api/v1/users", { email: `x-${uniq()}@example.test`, name: "X", password: PASSWORD }],
      ["PATCH", `/api/v1/users/${admin.id}`, { role: "user" }],
      ["PATCH", `/api/v1/users/${admin.id}`, { disabled: true }],
      ["PATCH", `/api/v1/users/${alice.id}`, { role: "admin" }], // promoting oneself
      ["POST", `/api/v1/users/${admin.id}/password-reset`, {}],
      ["GET", "/api/v1/invites"],
      ["POST", "/api/v1/invites", {}],
      ["DELETE", "/api/v1/invites/00000000-0000-4000-8000-000000000000"],
      ["GET", "/api/v1/audit"],
    ];
    for (const [method, path, body] of routes) {
      const r = await s.request(method, path, { token: alice.token, body });
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body.error.code).toBe("FORBIDDEN");
      const anon = await s.request(method, path, { body });
      expect(anon.status, `${method} ${path} anonymous`).toBe(401);
    }
    // Nothing changed: alice is still a user, the admin still an admin.
    const list = await s.request("GET", "/api/v1/users", { token: admin.token });
    expect(list.body.users.find((u: any) => u.id === alice.id).role).toBe("user");
    expect(list.body.users.find((u: any) => u.id === admin.id)).toMatchObject({ role: "admin", disabled: false });
  });

  it("lists users with their state, bounded and searchable; refuses bad input", async () => {
    const r = await s.request("GET", `/api/v1/users?q=${encodeURIComponent(alice.email)}`, { token: admin.token });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(1);
    expect(r.body.users[0]).toEqual({ id: alice.id, email: alice.email, name: "Alice", role: "user", disabled: false, disabled_at: null, created_at: expect.any(String), project_count: 0 });
    expect(JSON.stringify(r.body)).not.toMatch(/password/i);
    expect((await s.request("GET", "/api/v1/users?limit=100000", { token: admin.token })).status).toBe(400);
    expect((await s.request("POST", "/api/v1/users", { token: admin.token, body: { email: alice.email, name: "Dup", password: PASSWORD } })).body.error.code).toBe("EMAIL_TAKEN");
    expect((await s.request("POST", "/api/v1/users", { token: admin.token, body: { email: "short@example.test", name: "S", password: "short" } })).status).toBe(400);
    expect((await s.request("PATCH", `/api/v1/users/not-a-uuid`, { token: admin.token, body: { role: "admin" } })).status).toBe(404);
  });

  it("an invite link registers exactly once with sign-up closed; reused, expired, revoked and mismatched ones are refused", async () => {
    const email = `invited-${uniq()}@example.test`;
    const closed = await s.request("POST", "/api/v1/auth/register", { body: { email, password: PASSWORD, name: "Nope" } });
    expect(closed.status).toBe(403);
    expect(closed.body.error.code).toBe("SIGNUP_DISABLED");

    const inv = await s.request("POST", "/api/v1/invites", { token: admin.token, body: { email } });
    expect(inv.status, JSON.stringify(inv.body)).toBe(201);
    expect(inv.body.url.startsWith(`${s.url}/signup?invite=sb_inv_`), inv.body.url).toBe(true); // the origin the admin used
    expect(inv.body).toMatchObject({ url: expect.stringContaining("/signup?invite=sb_inv_"), token: expect.stringMatching(/^sb_inv_[A-Za-z0-9_-]{40,}$/), expires_at: expect.any(String), email, status: "pending" });
    expect(new Date(inv.body.expires_at).getTime()).toBeGreaterThan(Date.now() + 71 * 3600_000);
    const token = inv.body.token as string;
    secrets.push(token);
    // Listed without the secret.
    const listed = await s.request("GET", "/api/v1/invites", { token: admin.token });
    expect(listed.body.invites.find((i: any) => i.id === inv.body.id)).toMatchObject({ status: "pending", email });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    // The sign-up page may peek (not consume).
    expect((await s.request("POST", "/api/v1/auth/invite", { body: { token } })).body).toEqual({ valid: true, email, expires_at: inv.body.expires_at });

    const other = await s.request("POST", "/api/v1/auth/register", { body: { email: `other-${uniq()}@example.test`, password: PASSWORD, name: "Other", invite: token } });
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ code: "INVITE_INVALID", details: { reason: "email_mismatch" } });

    const ok = await s.request("POST", "/api/v1/auth/register", { body: { email, password: PASSWORD, name: "Invited", invite: token } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.user).toMatchObject({ email, role: "user" });
    expect((await signIn(s, email, PASSWORD)).status).toBe(200);

    const again = await s.request("POST", "/api/v1/auth/register", { body: { email: `again-${uniq()}@example.test`, password: PASSWORD, name: "Again", invite: token } });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: "INVITE_INVALID", details: { reason: "used" } });
    expect((await s.request("POST", "/api/v1/auth/invite", { body: { token } })).body).toEqual({ valid: false, reason: "used" });

    // Two registrations racing with one open invite: one account.
    const open = await s.request("POST", "/api/v1/invites", { token: admin.token, body: {} });
    secrets.push(open.body.token);
    const race = await Promise.all(
      [0, 1, 2].map((i) => s.request("POST", "/api/v1/auth/register", { body: { email: `race${i}-${uniq()}@example.test`, password: PASSWORD, name: "Race", invite: open.body.token } })),
    );
    expect(race.map((r) => r.status).sort()).toEqual([201, 400, 400]);

    const short = await s.request("POST", "/api/v1/invites", { token: admin.token, body: { expires_in_seconds: 1 } });
    secrets.push(short.body.token);
    await sleep(1500);
    const expired = await s.request("POST", "/api/v1/auth/register", { body: { email: `late-${uniq()}@example.test`, password: PASSWORD, name: "Late", invite: short.body.token } });
    expect(expired.status).toBe(400);
    expect(expired.body.error).toMatchObject({ code: "INVITE_INVALID", details: { reason: "expired" } });

    const revoked = await s.request("POST", "/api/v1/invites", { token: admin.token, body: {} });
    secrets.push(revoked.body.token);
    expect((await s.request("DELETE", `/api/v1/invites/${revoked.body.id}`, { token: admin.token })).status).toBe(204);
    const r2 = await s.request("POST", "/api/v1/auth/register", { body: { email: `rev-${uniq()}@example.test`, password: PASSWORD, name: "Rev", invite: revoked.body.token } });
    expect(r2.body.error).toMatchObject({ code: "INVITE_INVALID", details: { reason: "revoked" } });

    const forged = await s.request("POST", "/api/v1/auth/register", { body: { email: `forged-${uniq()}@example.test`, password: PASSWORD, name: "F", invite: "sb_inv_" + "A".repeat(43) } });
    expect(forged.body.error).toMatchObject({ code: "INVITE_INVALID", details: { reason: "unknown" } });
    // An invite for an email that has an account already is refused at creation.
    expect((await s.request("POST", "/api/v1/invites", { token: admin.token, body: { email: alice.email } })).body.error.code).toBe("EMAIL_TAKEN");
  });

  it("adding a member by an email without an account offers an invite; the admin's invite adds them on sign-up", async () => {
    const owner = await makeUser(s, admin, "Owner");
    const p = await s.createProject(owner);
    const email = `newcomer-${uniq()}@example.test`;
    const r = await s.request("POST", `/api/v1/projects/${p.id}/members`, { token: owner.token, body: { email, role: "member" } });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: "USER_NOT_FOUND", details: { email, invite: { allowed: false, signup_open: false } } });
    expect(r.body.error.message).toMatch(/ask an admin to invite/);
    // A non-admin owner asking for an invite is refused the same way.
    expect((await s.request("POST", `/api/v1/projects/${p.id}/members`, { token: owner.token, body: { email, role: "member", invite: true } })).body.error.code).toBe("USER_NOT_FOUND");

    const a = await s.request("POST", `/api/v1/projects/${p.id}/members`, { token: admin.token, body: { email, role: "viewer" } });
    expect(a.body.error.details.invite.allowed).toBe(true);
    const inv = await s.request("POST", `/api/v1/projects/${p.id}/members`, { token: admin.token, body: { email, role: "viewer", invite: true } });
    expect(inv.status, JSON.stringify(inv.body)).toBe(202);
    expect(inv.body.invite).toMatchObject({ email, project_id: p.id, project_role: "viewer", url: expect.stringContaining("/signup?invite="), token: expect.any(String) });
    secrets.push(inv.body.invite.token);
    const reg = await s.request("POST", "/api/v1/auth/register", { body: { email, password: PASSWORD, name: "Newcomer", invite: inv.body.invite.token } });
    expect(reg.status).toBe(201);
    const members = await s.request("GET", `/api/v1/projects/${p.id}/members`, { token: owner.token });
    expect(members.body.members.find((m: any) => m.email === email)).toMatchObject({ role: "viewer", name: "Newcomer" });
  });

  it("the last admin can neither demote nor disable themself; promoting another makes both possible", async () => {
    const self = await s.request("PATCH", `/api/v1/users/${admin.id}`, { token: admin.token, body: { role: "user" } });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe("LAST_ADMIN");
    const disableSelf = await s.request("PATCH", `/api/v1/users/${admin.id}`, { token: admin.token, body: { disabled: true } });
    expect(disableSelf.status).toBe(409);
    expect((await s.request("GET", "/api/v1/me", { token: admin.token })).body.user.role).toBe("admin");

    const second = await makeUser(s, admin, "Second");
    const up = await s.request("PATCH", `/api/v1/users/${second.id}`, { token: admin.token, body: { role: "admin" } });
    expect(up.status).toBe(200);
    expect(up.body.role).toBe("admin");
    expect((await s.request("GET", "/api/v1/users", { token: second.token })).status).toBe(200); // at once, same token
    // As an admin, a socket may follow a project it is no member of.
    const foreign = await s.createProject(alice);
    const sock = await s.connect({ auth: { token: second.token } });
    expect((await sock.emitWithAck("subscribe", { project_id: foreign.id })).status).toBe("success");
    // Now there are two admins: the second may step down. Its socket (which authenticated as an admin) is
    // disconnected without auth_error, and once reconnected it is a plain user: the foreign project is refused.
    const dropped = new Promise<string>((resolve) => sock.once("disconnect", (reason) => resolve(reason)));
    let authError = false;
    sock.on("auth_error", () => (authError = true));
    const down = await s.request("PATCH", `/api/v1/users/${second.id}`, { token: second.token, body: { role: "user" } });
    expect(down.status).toBe(200);
    expect(await dropped).toBe("io server disconnect");
    expect(authError).toBe(false);
    expect((await s.request("GET", "/api/v1/users", { token: second.token })).status).toBe(403);
    const again = await s.connect({ auth: { token: second.token } });
    const refused = await again.emitWithAck("subscribe", { project_id: foreign.id });
    expect(refused).toMatchObject({ status: "error", code: "ROOM_ACCESS_DENIED" });
  });

  it("disabling a user: their socket is disconnected, their JWT, API token and session stop working at once; enabling restores them", async () => {
    const bob = await makeUser(s, admin, "Bob");
    const pat = await s.request("POST", "/api/v1/tokens", { token: bob.token, body: { name: "cli", kind: "personal" } });
    expect(pat.status).toBe(201);
    secrets.push(pat.body.token, bob.token);
    // A project-scoped token's socket is kept out of user:<id> (main): the account room still reaches it.
    const bobProject = await s.createProject(bob);
    const scoped = await s.request("POST", "/api/v1/tokens", { token: bob.token, body: { name: "scoped", kind: "personal", project_ids: [bobProject.id] } });
    expect(scoped.status).toBe(201);
    secrets.push(scoped.body.token);
    const cookie = await s.sessionCookie(bob);
    const sock = await s.connect({ auth: { token: bob.token } });
    const sockPat = await s.connect({ auth: { token: pat.body.token } });
    const sockScoped = await s.connect({ auth: { token: scoped.body.token } });
    const gone = [kicked(sock), kicked(sockPat), kicked(sockScoped)];

    const r = await s.request("PATCH", `/api/v1/users/${bob.id}`, { token: admin.token, body: { disabled: true } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ disabled: true, disabled_at: expect.any(String) });
    for (const [err, reason] of await Promise.all(gone)) {
      expect(err.data.code).toBe("AUTH_FAILED");
      expect(reason).toBe("io server disconnect");
    }
    for (const token of [bob.token, pat.body.token, scoped.body.token]) {
      const me = await s.request("GET", "/api/v1/me", { token });
      expect(me.status).toBe(401);
      expect(me.body.error.message).toMatch(/disabled/);
    }
    expect((await s.request("GET", "/api/v1/me", { headers: { cookie } })).status).toBe(401);
    const page = await fetch(`${s.url}/`, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBeGreaterThanOrEqual(300);
    expect(page.status).toBeLessThan(400); // to /signin
    const refused = await s.connectError({ auth: { token: bob.token } });
    expect(refused.data.code).toBe("AUTH_FAILED");
    const signin = await signIn(s, bob.email, PASSWORD);
    expect(signin.status).toBe(403);
    expect(signin.body.error.code).toBe("ACCOUNT_DISABLED");
    expect((await signIn(s, bob.email, "wrong-password-here")).body.error.code).toBe("INVALID_CREDENTIALS"); // nothing said without the password

    expect((await s.request("PATCH", `/api/v1/users/${bob.id}`, { token: admin.token, body: { disabled: false } })).body.disabled).toBe(false);
    expect((await s.request("GET", "/api/v1/me", { token: pat.body.token })).status).toBe(200);
    expect((await signIn(s, bob.email, PASSWORD)).status).toBe(200);
  });

  it("a reset link sets a new password once; reused and expired links are refused", async () => {
    const carol = await makeUser(s, admin, "Carol");
    const link = await s.request("POST", `/api/v1/users/${carol.id}/password-reset`, { token: admin.token, body: {} });
    expect(link.status).toBe(201);
    expect(link.body).toMatchObject({ url: expect.stringContaining("/reset-password?token=sb_rst_"), token: expect.stringMatching(/^sb_rst_/), expires_at: expect.any(String), user_id: carol.id });
    secrets.push(link.body.token);
    const newPassword = "a-brand-new-passphrase";
    secrets.push(newPassword);
    const weak = await s.request("POST", "/api/v1/auth/password-reset", { body: { token: link.body.token, password: "short" } });
    expect(weak.status).toBe(400);
    const used = await s.request("POST", "/api/v1/auth/password-reset", { body: { token: link.body.token, password: newPassword } });
    expect(used.status, JSON.stringify(used.body)).toBe(204);
    expect((await signIn(s, carol.email, PASSWORD)).status).toBe(401);
    expect((await signIn(s, carol.email, newPassword)).status).toBe(200);
    const again = await s.request("POST", "/api/v1/auth/password-reset", { body: { token: link.body.token, password: "yet-another-password" } });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: "RESET_INVALID", details: { reason: "used" } });

    const short = await s.request("POST", `/api/v1/users/${carol.id}/password-reset`, { token: admin.token, body: { expires_in_seconds: 1 } });
    secrets.push(short.body.token);
    await sleep(1500);
    const late = await s.request("POST", "/api/v1/auth/password-reset", { body: { token: short.body.token, password: "yet-another-password" } });
    expect(late.body.error).toMatchObject({ code: "RESET_INVALID", details: { reason: "expired" } });
    // A newer link replaces an older unused one.
    const l1 = await s.request("POST", `/api/v1/users/${carol.id}/password-reset`, { token: admin.token, body: {} });
    const l2 = await s.request("POST", `/api/v1/users/${carol.id}/password-reset`, { token: admin.token, body: {} });
    secrets.push(l1.body.token, l2.body.token);
    expect((await s.request("POST", "/api/v1/auth/password-reset", { body: { token: l1.body.token, password: "yet-another-password" } })).body.error.details.reason).toBe("revoked");
    // An invite secret is no reset secret.
    const inv = await s.request("POST", "/api/v1/invites", { token: admin.token, body: {} });
    secrets.push(inv.body.token);
    expect((await s.request("POST", "/api/v1/auth/password-reset", { body: { token: inv.body.token, password: "yet-another-password" } })).body.error.code).toBe("RESET_INVALID");
  });

  it("the profile: a new name; a new password only with the right current password", async () => {
    const dave = await makeUser(s, admin, "Dave");
    const renamed = await s.request("PATCH", "/api/v1/me", { token: dave.token, body: { name: "David" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.user.name).toBe("David");
    const without = await s.request("PATCH", "/api/v1/me", { token: dave.token, body: { password: "new-password-123" } });
    expect(without.status).toBe(400);
    expect(without.body.error.details[0].field).toBe("current_password");
    const wrong = await s.request("PATCH", "/api/v1/me", { token: dave.token, body: { password: "new-password-123", current_password: "not-my-password" } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("CURRENT_PASSWORD_WRONG");
    expect((await signIn(s, dave.email, PASSWORD)).status).toBe(200); // unchanged
    const ok = await s.request("PATCH", "/api/v1/me", { token: dave.token, body: { password: "new-password-123", current_password: PASSWORD } });
    expect(ok.status).toBe(200);
    secrets.push("new-password-123", "not-my-password");
    const fresh = await signIn(s, dave.email, "new-password-123");
    expect(fresh.status).toBe(200);
    expect((await s.request("GET", "/api/v1/me", { token: dave.token })).status).toBe(401); // the change ended the old JWT
    expect((await s.request("PATCH", "/api/v1/me", { token: fresh.body.token, body: { role: "admin" } })).status).toBe(400); // not a profile field
  });

  it("a password change ends every other session and Bearer JWT (REST, pages, live sockets) but not the browser that made it, nor API tokens; a reset ends them all", async () => {
    const erin = await makeUser(s, admin, "Erin");
    const pat = await s.request("POST", "/api/v1/tokens", { token: erin.token, body: { name: "ci", kind: "personal" } });
    expect(pat.status).toBe(201);
    secrets.push(pat.body.token);
    const mine = await s.sessionCookie(erin); // the browser that changes the password
    const other = await s.sessionCookie(erin); // another browser
    const oldBearer = erin.token;
    const sockBearer = await s.connect({ auth: { token: oldBearer } });
    const sockOther = await s.connect({ extraHeaders: { cookie: other } });
    const sockMine = await s.connect({ extraHeaders: { cookie: mine } });
    const sockPat = await s.connect({ auth: { token: pat.body.token } });
    const kickedBearer = kicked(sockBearer);
    const kickedOther = kicked(sockOther);
    let mineDropped = false;
    let patDropped = false;
    sockMine.on("disconnect", () => (mineDropped = true));
    sockPat.on("disconnect", () => (patDropped = true));

    const newPassword = "erin-new-password-1";
    secrets.push(newPassword);
    const r = await s.request("PATCH", "/api/v1/me", { headers: { cookie: mine, origin: s.url }, body: { password: newPassword, current_password: PASSWORD } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const setCookie = r.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^next-auth\.session-token=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const renewed = setCookie.split(";")[0]!;

    // The other browser's and the old JWT's live sockets get auth_error and are disconnected at once.
    const [[eb], [eo]] = await Promise.all([kickedBearer, kickedOther]);
    expect(eb.data.code).toBe("AUTH_FAILED");
    expect(eo.data.message).toMatch(/password has changed/);
    // Their credentials are refused from now on, on REST, sockets and pages.
    for (const headers of [{ authorization: `Bearer ${oldBearer}` }, { cookie: other }] as Record<string, string>[]) {
      const me = await s.request("GET", "/api/v1/me", { headers });
      expect(me.status).toBe(401);
    }
    const refused = await s.connectError({ auth: { token: oldBearer } });
    expect(refused.data?.code).toBe("AUTH_FAILED");
    expect((await s.connectError({ extraHeaders: { cookie: other } })).data?.code).toBe("AUTH_FAILED");
    const session = await s.request("GET", "/api/auth/session", { headers: { cookie: other } });
    expect(session.body?.user).toBeUndefined(); // next-auth: signed out (and the cookie cleared)
    // The old cookie of the changing browser is refused too; its renewed cookie works, its socket stayed.
    expect((await s.request("GET", "/api/v1/me", { headers: { cookie: mine } })).status).toBe(401);
    const meRenewed = await s.request("GET", "/api/v1/me", { headers: { cookie: renewed } });
    expect(meRenewed.status).toBe(200);
    expect(meRenewed.body.user.id).toBe(erin.id);
    expect((await s.request("GET", "/api/auth/session", { headers: { cookie: renewed } })).body?.user?.email).toBe(erin.email);
    // API tokens are not tied to the password.
    expect((await s.request("GET", "/api/v1/me", { token: pat.body.token })).status).toBe(200);
    await sleep(300);
    expect(mineDropped).toBe(false);
    expect(patDropped).toBe(false);
    expect(sockMine.connected && sockPat.connected).toBe(true);
    // A token signed in with the new password works.
    const fresh = await signIn(s, erin.email, newPassword);
    expect(fresh.status).toBe(200);

    // An admin's reset link (taking an account back) ends every session and JWT, the renewed cookie included.
    const link = await s.request("POST", `/api/v1/users/${erin.id}/password-reset`, { token: admin.token, body: {} });
    secrets.push(link.body.token);
    const sockFresh = await s.connect({ auth: { token: fresh.body.token } });
    const kickedFresh = kicked(sockFresh);
    const kickedMine = kicked(sockMine);
    const reset = await s.request("POST", "/api/v1/auth/password-reset", { body: { token: link.body.token, password: "erin-reset-password-2" } });
    secrets.push("erin-reset-password-2");
    expect(reset.status).toBe(204);
    await Promise.all([kickedFresh, kickedMine]);
    expect((await s.request("GET", "/api/v1/me", { token: fresh.body.token })).status).toBe(401);
    expect((await s.request("GET", "/api/v1/me", { headers: { cookie: renewed } })).status).toBe(401);
    expect((await s.request("GET", "/api/v1/me", { token: pat.body.token })).status).toBe(200);
    expect(sockPat.connected).toBe(true);
    // A forged epoch claim is no way around it: JWTs are signed, so the claim cannot be edited.
    const parts = fresh.body.token.split(".");
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString());
    const forged = [parts[0], Buffer.from(JSON.stringify({ ...payload, sep: payload.sep + 1 })).toString("base64url"), parts[2]].join(".");
    expect((await s.request("GET", "/api/v1/me", { token: forged })).status).toBe(401);
  });

  it("the audit log records the security-relevant actions (admins only, paged, newest first) and never a secret", async () => {
    // A failed sign-in, a token created and revoked, a project configured, a role changed, a project deleted.
    await signIn(s, alice.email, "wrong-password-xyz");
    const t = await s.request("POST", "/api/v1/tokens", { token: alice.token, body: { name: "audit-me", kind: "personal" } });
    secrets.push(t.body.token);
    await s.request("DELETE", `/api/v1/tokens/${t.body.id}`, { token: alice.token });
    const p = await s.createProject(alice);
    await s.request("PUT", `/api/v1/projects/${p.id}`, { token: alice.token, body: { test_command: "npm test" } });
    const bobby = await makeUser(s, admin, "Bobby");
    await s.addMember(alice, p.id, bobby, "viewer");
    await s.addMember(alice, p.id, bobby, "member");
    await s.request("DELETE", `/api/v1/projects/${p.id}`, { token: alice.token });

    const all: any[] = [];
    let before: string | null = null;
    for (let page = 0; page < 50; page++) {
      const r: any = await s.request("GET", `/api/v1/audit?limit=20${before ? `&before=${before}` : ""}`, { token: admin.token });
      expect(r.status).toBe(200);
      all.push(...r.body.entries);
      before = r.body.next_before;
      if (!before) break;
    }
    const ids = all.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))); // newest first, no repeats
    expect(new Set(ids).size).toBe(ids.length);
    const actions = new Set(all.map((e) => e.action));
    for (const a of ["auth.sign_in", "auth.sign_in_failed", "token.create", "token.revoke", "project.configure", "member.add", "member.role_change", "project.delete", "user.create", "user.promote", "user.demote", "user.disable", "user.enable", "invite.create", "invite.use", "invite.refused", "invite.revoke", "password_reset.create", "password_reset.use", "password_reset.refused", "user.password_change", "user.password_change_failed", "user.register"]) {
      expect(actions, a).toContain(a);
    }
    const failed = all.find((e) => e.action === "auth.sign_in_failed" && e.actor_id === alice.id);
    expect(failed).toMatchObject({ outcome: "failure", actor_email: alice.email, ip: expect.any(String), request_id: expect.any(String), trace_id: expect.any(String) });
    expect(all.find((e) => e.action === "project.configure" && e.project_id === p.id).details).toMatchObject({ fields: ["test_command"], test_command: "npm test" });
    expect(all.find((e) => e.action === "member.role_change" && e.project_id === p.id).details).toMatchObject({ from: "viewer", role: "member" });
    expect(all.find((e) => e.action === "user.disable")).toMatchObject({ actor_id: admin.id, target_type: "user" });
    const text = JSON.stringify(all);
    for (const secret of secrets) expect(text).not.toContain(secret);

    const filtered = await s.request("GET", "/api/v1/audit?action=user.disable", { token: admin.token });
    expect(filtered.body.entries.every((e: any) => e.action === "user.disable")).toBe(true);
    expect((await s.request("GET", "/api/v1/audit?action=drop+table", { token: admin.token })).status).toBe(400);
    expect((await s.request("GET", "/api/v1/audit?limit=5000", { token: admin.token })).status).toBe(400);
  });

  it("refused credentials and connections are counted by reason; the logs are JSON with request ids and hold no secret", async () => {
    await s.request("GET", "/api/v1/me", { token: "sb_pat_" + "x".repeat(43) });
    await s.request("GET", "/api/v1/me", { token: "not.a.jwt" });
    await s.connectError({ auth: { token: "garbage" } }).catch(() => {});
    const c = await s.connect({ auth: { token: admin.token } });
    c.disconnect();
    await sleep(500);
    const m = await s.request("GET", "/api/metrics", { token: admin.token });
    expect(m.status).toBe(200);
    const text = m.body as string;
    const count = (re: RegExp) => Number(re.exec(text)?.[1] ?? "0");
    for (const reason of ["api_token_invalid", "bearer_invalid", "account_disabled", "invite_invalid", "reset_invalid", "current_password_wrong", "invalid_credentials", "missing"]) {
      expect(count(new RegExp(`switchboard_auth_failures_total\\{reason="${reason}"\\} (\\d+)`)), reason).toBeGreaterThan(0);
    }
    expect(count(/switchboard_socket_connections_opened_total (\d+)/)).toBeGreaterThan(0);
    expect(count(/switchboard_socket_connections_closed_total\{reason="[^"]+"\} (\d+)/)).toBeGreaterThan(0);

    const lines = s.logs.flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return []; // a line split across two chunks
      }
    });
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.component === "auth" && l.reason === "bearer_invalid" && l.via === "rest" && l.request_id && l.trace_id)).toBe(true);
    expect(lines.some((l) => l.component === "socket" && l.msg === "socket connected" && l.user_id === admin.id)).toBe(true);
    expect(lines.some((l) => l.component === "socket" && l.msg === "socket disconnected" && l.reason)).toBe(true);
    expect(lines.some((l) => l.component === "http" && l.req?.path === "/api/v1/me" && l.res?.status === 401 && l.request_id)).toBe(true);
    const all = s.logs.join("\n");
    for (const secret of secrets) expect(all).not.toContain(secret);
    // A client's X-Request-Id comes back and is carried by the audit entry.
    const r = await s.request("POST", "/api/v1/auth/token", { body: { email: alice.email, password: "wrong-again-pw" }, headers: { "x-request-id": "req-abc-123" } });
    expect(r.headers.get("x-request-id")).toBe("req-abc-123");
    const audit = await s.request("GET", "/api/v1/audit?action=auth.sign_in_failed&limit=1", { token: admin.token });
    expect(audit.body.entries[0].request_id).toBe("req-abc-123");
  });
});

const pairEnabled = process.env.TEST_DB === "postgres" && !!process.env.TEST_REDIS;

describe.runIf(pairEnabled)("disabling a user and changing a password across two processes behind Redis", { timeout: 180_000 }, () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  let admin: TestUser;
  beforeAll(async () => {
    pair = await startPair();
    admin = await pair.a.createUser("Admin"); // the first account: admin
  }, 180_000);
  afterAll(async () => {
    await pair?.stop();
  });

  it("a socket on the other process is disconnected at once, and that process refuses the user's tokens", async () => {
    const { a, b } = pair;
    const eve = await makeUser(a, admin, "Eve");
    const pat = await b.request("POST", "/api/v1/tokens", { token: eve.token, body: { name: "on-b", kind: "personal" } });
    const onB = await b.connect({ auth: { token: pat.body.token } });
    const onBJwt = await b.connect({ namespace: "/ws", auth: { token: eve.token } });
    const gone = [kicked(onB), kicked(onBJwt)];
    const t0 = Date.now();
    expect((await a.request("PATCH", `/api/v1/users/${eve.id}`, { token: admin.token, body: { disabled: true } })).status).toBe(200);
    for (const [err, reason] of await Promise.all(gone)) {
      expect(err.data.message).toMatch(/disabled/);
      expect(reason).toBe("io server disconnect");
    }
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await b.request("GET", "/api/v1/me", { token: pat.body.token })).status).toBe(401);
    expect((await b.request("GET", "/api/v1/me", { token: eve.token })).status).toBe(401);
    expect((await b.connectError({ auth: { token: eve.token } })).data.code).toBe("AUTH_FAILED");
  });

  it("a password change on one process ends the Bearer sockets on the other at once; its API-token sockets stay", async () => {
    const { a, b } = pair;
    const fay = await makeUser(a, admin, "Fay");
    const pat = await a.request("POST", "/api/v1/tokens", { token: fay.token, body: { name: "on-b", kind: "personal" } });
    const onBJwt = await b.connect({ namespace: "/ws", auth: { token: fay.token } });
    const onBPat = await b.connect({ auth: { token: pat.body.token } });
    const gone = kicked(onBJwt);
    const newPassword = "fay-new-password-1";
    expect((await a.request("PATCH", "/api/v1/me", { token: fay.token, body: { password: newPassword, current_password: PASSWORD } })).status).toBe(200);
    const [err, reason] = await gone;
    expect(err.data.message).toMatch(/password has changed/);
    expect(reason).toBe("io server disconnect");
    // b's cached account was invalidated before a answered: the old JWT is refused there at once.
    expect((await b.request("GET", "/api/v1/me", { token: fay.token })).status).toBe(401);
    expect((await b.request("GET", "/api/v1/me", { token: pat.body.token })).status).toBe(200);
    expect(onBPat.connected).toBe(true);
  });
});
