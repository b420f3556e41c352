import { authed, json } from "@/lib/api/handler";

export const GET = authed(async (_req, caller) =>
  json({ user: { id: caller.id, email: caller.email, name: caller.name, role: caller.role } }),
);
