// API tokens: personal and agent tokens (lib/auth/api-tokens.ts).
import { route } from "../registry";
import { ZCreateToken } from "@/lib/auth/api-tokens";
import { ZNewApiTokenSchema, ZTokenListResponse } from "@/lib/contract/users";

route({
  method: "post",
  path: "/api/v1/tokens",
  summary: "Create an API token (the secret is in `token`, shown only here). kind 'agent' without agent_id registers an agent named after the token with the same project scope",
  tag: "tokens",
  body: ZCreateToken,
  bodyExample: { name: "ci-reporter", kind: "agent", project_ids: ["2f1c9a4e-0b7d-4c3e-9a51-6d2f8e7b1c40"], expires_at: null },
  responses: { 201: { description: "The token with its secret", schema: ZNewApiTokenSchema } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/tokens",
  summary: "The caller's tokens (never the secret)",
  tag: "tokens",
  responses: { 200: { description: "Tokens", schema: ZTokenListResponse } },
});
route({
  method: "delete",
  path: "/api/v1/tokens/{id}",
  summary: "Revoke a token: REST refuses it at once, its sockets get auth_error AUTH_FAILED and are disconnected",
  tag: "tokens",
  responses: { 204: { description: "Revoked" } },
});
