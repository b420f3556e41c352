import { route } from "../registry";
import { ZRegisterSchema, ZTokenRequestSchema } from "../../users/schemas";
import { ZTokenResponse, ZUserResponse } from "../../contract/users";

route({
  method: "post",
  path: "/api/v1/auth/register",
  tag: "Auth",
  auth: false,
  summary: "Create an account (the first account becomes admin); with ALLOW_SIGNUP=false only with `invite` (an invite link's secret)",
  description: "403 SIGNUP_DISABLED without an invite when sign-up is closed; 400 INVITE_INVALID with details.reason unknown | used | expired | revoked | email_mismatch.",
  body: ZRegisterSchema,
  responses: { 201: { description: "The new account", schema: ZUserResponse } },
  errors: [403, 409],
});

route({
  method: "post",
  path: "/api/v1/auth/token",
  tag: "Auth",
  auth: false,
  summary: "Exchange email and password for a Bearer JWT",
  body: ZTokenRequestSchema,
  bodyExample: { email: "ada@example.com", password: "correct horse battery staple" },
  responses: {
    200: {
      description: "A Bearer token",
      schema: ZTokenResponse,
      example: {
        token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI…",
        token_type: "Bearer",
        expires_at: "2026-01-02T00:00:00.000Z",
        user: { id: "0c6f2f0e-5a6b-4d1e-9a7c-2b3d4e5f6a7b", email: "ada@example.com", name: "Ada", role: "admin" },
      },
    },
  },
  description:
    "Shares its limits with the browser's sign-in (POST /api/auth/callback/credentials): RATE_LIMIT_AUTH_PER_MINUTE attempts per address, and failed sign-ins per address and per account (RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS / _PER_ACCOUNT in RATE_LIMIT_SIGNIN_WINDOW_SECONDS). Past them: 429 RATE_LIMITED with Retry-After and details {retry_after_ms, scope: \"address\" | \"account\"}, even for the right password; a successful sign-in clears the account's failures. A disabled account (with the right password) answers 403 ACCOUNT_DISABLED.",
  errors: [401, 403],
});

route({
  method: "get",
  path: "/api/v1/me",
  tag: "Auth",
  summary: "The signed-in user",
  responses: {
    200: { description: "The caller", schema: ZUserResponse, example: { user: { id: "0c6f2f0e-5a6b-4d1e-9a7c-2b3d4e5f6a7b", email: "ada@example.com", name: "Ada", role: "admin" } } },
  },
});
