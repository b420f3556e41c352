// Users, project roles (ranked once) and API tokens.
import { z } from "zod";

export const ZUserSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "user"]) })
  .meta({ id: "User" });
export type User = z.infer<typeof ZUserSchema>;

export const PROJECT_ROLES = ["owner", "member", "viewer"] as const;
export const ZProjectRole = z.enum(PROJECT_ROLES);
export type ProjectRole = z.infer<typeof ZProjectRole>;
/** The one ranking of project roles (lib/auth/permissions.ts checks with it; the browser greys out with it). */
export const ROLE_RANK: Record<ProjectRole, number> = { viewer: 1, member: 2, owner: 3 };
export const roleAtLeast = (role: ProjectRole | null | undefined, least: ProjectRole) => !!role && ROLE_RANK[role] >= ROLE_RANK[least];

export const ZApiTokenSchema = z
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
export type ApiToken = z.infer<typeof ZApiTokenSchema>;
export const ZNewApiTokenSchema = ZApiTokenSchema.extend({ token: z.string() });
export type NewApiToken = z.infer<typeof ZNewApiTokenSchema>;

/* REST answers */
export const ZUserResponse = z.object({ user: ZUserSchema });
export const ZTokenResponse = z.object({ token: z.string(), token_type: z.literal("Bearer"), expires_at: z.string(), user: ZUserSchema });
export const ZTokenListResponse = z.object({ tokens: z.array(ZApiTokenSchema) });
