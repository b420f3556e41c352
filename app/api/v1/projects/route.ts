import { authed, json, readBody } from "@/lib/api/handler";
import { ZCreateProjectSchema } from "@/lib/projects/schemas";
import { createProject, listProjects } from "@/lib/projects/service";

export const GET = authed(async (_req, caller) => json({ projects: await listProjects(caller) }));

export const POST = authed(async (req, caller) => json(await createProject(caller, await readBody(req, ZCreateProjectSchema)), 201));
