import { authed, json, noContent, readBody } from "@/lib/api/handler";
import { ZUpdateProjectSchema } from "@/lib/projects/schemas";
import { deleteProject, getProject, updateProject } from "@/lib/projects/service";
import { projectRole } from "@/lib/auth/permissions";
import { notFound } from "@/lib/errors";

export const GET = authed(async (_req, caller, { id }) => json(await getProject(caller, id!)));

export const PUT = authed(async (req, caller, { id }) => {
  if (!(await projectRole(caller, id!))) throw notFound("Project"); // unknown ids are 404 before the body is judged (cached role)
  return json(await updateProject(caller, id!, await readBody(req, ZUpdateProjectSchema)));
});

export const PATCH = PUT;

export const DELETE = authed(async (_req, caller, { id }) => {
  await deleteProject(caller, id!);
  return noContent();
});
