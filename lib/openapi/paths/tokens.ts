// API tokens: personal and agent tokens (lib/auth/api-tokens.ts).
import { z } from "zod";
import { route } from "../registry";
import { ZCreateToken } from "@/lib/auth/api-tokens";

const Token = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["personal", "agent"]),
    prefix: z.string(),
    project_ids: z.array(z.string()),
    agent_id: z.string().nullable(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    revoked: z.boolean(),
    expired: z.boolean(),
    created_at: z.string(),
  })
  .meta({ id: "ApiToken" });

route({
  method: "post",
  path: "/api/v1/tokens",
  summary: "Create an API token (the secret is in `token`, shown only here). kind 'agent' without agent_id registers an agent named after the token with the same project scope",
  tag: "tokens",
  body: ZCreateToken,
  responses: { 201: { description: "The token with its secret", schema: Token.extend({ token: z.string() }) } },
  errors: [403],
});
route({
  method: "get",
  path: "/api/v1/tokens",
  summary: "The caller's tokens (never the secret)",
  tag: "tokens",
  responses: { 200: { description: "Tokens", schema: z.object({ tokens: z.array(Token) }) } },
});
route({
  method: "delete",
  path: "/api/v1/tokens/{id}",
  summary: "Revoke a token: REST refuses it at once, its sockets get auth_error AUTH_FAILED and are disconnected",
  tag: "tokens",
  responses: { 204: { description: "Revoked" } },
});
