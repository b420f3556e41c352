import { authed, json, readBody } from "@/lib/api/handler";
import { ZUpdateUser, updateUser } from "@/lib/users/accounts";

export const PATCH = authed(async (req, caller, { id }) => json(await updateUser(caller, id!, await readBody(req, ZUpdateUser))));
