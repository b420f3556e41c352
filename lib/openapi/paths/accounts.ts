// Accounts (admins: users, invites, password-reset links), one's profile, and the audit log.
import { z } from "zod";
import { route } from "../registry";
import { ZCreateInvite, ZCreateReset, ZCreateUser, ZUpdateProfile, ZUpdateUser, ZUseReset, ZUsersQuery } from "../../users/accounts";
import { AUDIT_ACTIONS, ZAuditQuery } from "../../audit";
import { ZUserSchema } from "./common";

const AdminUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(["admin", "user"]),
    disabled: z.boolean(),
    disabled_at: z.string().nullable(),
    created_at: z.string(),
    project_count: z.number().int().optional(),
  })
  .meta({ id: "AdminUser" });

const Invite = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    role: z.enum(["admin", "user"]),
    project_id: z.string().nullable(),
    project_role: z.enum(["owner", "member", "viewer"]).nullable(),
    status: z.enum(["pending", "used", "expired", "revoked"]),
    expires_at: z.string(),
    used_at: z.string().nullable(),
    used_by: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "Invite" });

const Link = z.object({ url: z.string(), token: z.string(), expires_at: z.string() });
export const ZInviteWithSecret = Invite.extend(Link.shape).meta({ id: "InviteWithSecret" });

const AuditEntry = z
  .object({
    id: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    outcome: z.enum(["success", "failure"]),
    actor_id: z.string().nullable(),
    actor_email: z.string().nullable(),
    target_type: z.string().nullable(),
    target_id: z.string().nullable(),
    project_id: z.string().nullable(),
    ip: z.string().nullable(),
    request_id: z.string().nullable(),
    trace_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .meta({ id: "AuditEntry" });

route({
  method: "get",
  path: "/api/v1/users",
  tag: "accounts",
  summary: "Admins: the users (oldest first), searchable by email or name, paged with limit/offset",
  query: ZUsersQuery,
  responses: { 200: { description: "Users and their total", schema: z.object({ users: z.array(AdminUser), total: z.number().int() }) } },
  errors: [403],
});
route({
  method: "post",
  path: "/api/v1/users",
  tag: "accounts",
  summary: "Admins: create an account with an initial password",
  body: ZCreateUser,
  responses: { 201: { description: "The account", schema: AdminUser } },
  errors: [403, 409],
});
route({
  method: "patch",
  path: "/api/v1/users/{id}",
  tag: "accounts",
  summary: "Admins: promote/demote (role) and disable/enable (disabled) a user",
  description:
    "Disabling refuses every credential of the account at once (REST with its JWTs, API tokens and session cookies; new sockets; sign-in answers 403 ACCOUNT_DISABLED) and disconnects its open sockets on every process with auth_error AUTH_FAILED. 409 LAST_ADMIN: the change would leave no active admin; 409 CANNOT_DISABLE_SELF.",
  body: ZUpdateUser,
  responses: { 200: { description: "The account", schema: AdminUser } },
  errors: [403, 409],
});
route({
  method: "post",
  path: "/api/v1/users/{id}/password-reset",
  tag: "accounts",
  summary: "Admins: a one-time password-reset link (the secret is shown only here; an older unused link stops working)",
  body: ZCreateReset,
  responses: { 201: { description: "The link", schema: Link.extend({ id: z.string(), user_id: z.string() }) } },
  errors: [403],
});
route({
  method: "post",
  path: "/api/v1/invites",
  tag: "accounts",
  summary: "Admins: a one-time invite link (registers even with ALLOW_SIGNUP=false; only its hash is stored, the secret is shown only here)",
  body: ZCreateInvite,
  responses: { 201: { description: "The invite with its link", schema: ZInviteWithSecret } },
  errors: [403, 409],
});
route({
  method: "get",
  path: "/api/v1/invites",
  tag: "accounts",
  summary: "Admins: invites, newest first (never their secret)",
  responses: { 200: { description: "Invites", schema: z.object({ invites: z.array(Invite) }) } },
  errors: [403],
});
route({
  method: "delete",
  path: "/api/v1/invites/{id}",
  tag: "accounts",
  summary: "Admins: revoke an unused invite",
  responses: { 204: { description: "Revoked" } },
  errors: [403],
});
route({
  method: "post",
  path: "/api/v1/auth/invite",
  tag: "Auth",
  auth: false,
  summary: "Whether an invite link can still be used, and the email it is for (does not use it)",
  body: z.object({ token: z.string() }),
  responses: { 200: { description: "Valid, or the reason it is not", schema: z.object({ valid: z.boolean(), email: z.string().nullable().optional(), expires_at: z.string().optional(), reason: z.enum(["unknown", "used", "expired", "revoked"]).optional() }) } },
});
route({
  method: "post",
  path: "/api/v1/auth/password-reset",
  tag: "Auth",
  auth: false,
  summary: "Set a new password with a one-time reset link",
  description: "400 RESET_INVALID with details.reason unknown | used | expired | revoked. Every session and Bearer JWT of the account ends (API tokens stay).",
  body: ZUseReset,
  responses: { 204: { description: "The password is set" } },
});
route({
  method: "patch",
  path: "/api/v1/me",
  tag: "Auth",
  summary: "Change one's own name and/or password (a new password needs current_password)",
  description:
    "A wrong current password answers 403 CURRENT_PASSWORD_WRONG and counts as a failed sign-in (the same limits per address and per account). " +
    "A new password ends every other session and Bearer JWT of the account (refused with AUTH_FAILED; their sockets get auth_error); API tokens stay. " +
    "A caller signed in with a session cookie gets a new one (Set-Cookie) and stays signed in.",
  body: ZUpdateProfile,
  responses: { 200: { description: "The caller", schema: z.object({ user: ZUserSchema }) } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/audit",
  tag: "accounts",
  summary: "Admins: the audit log, newest first, paged with `before` (next_before of the previous page)",
  query: ZAuditQuery,
  responses: { 200: { description: "Entries", schema: z.object({ entries: z.array(AuditEntry), next_before: z.string().nullable() }) } },
  errors: [403],
});
