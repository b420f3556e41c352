import { authed, json, query, readBody } from "@/lib/api/handler";
import { ZCreateUser, ZUsersQuery, createUser, listUsers } from "@/lib/users/accounts";

export const GET = authed(async (req, caller) => json(await listUsers(caller, query(req, ZUsersQuery))));

export const POST = authed(async (req, caller) => json(await createUser(caller, await readBody(req, ZCreateUser)), 201));
