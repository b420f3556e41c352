import { handle, json, limitAuth, readBody } from "@/lib/api/handler";
import { ZRegisterSchema } from "@/lib/users/schemas";
import { registerUser } from "@/lib/users/service";

export const POST = handle(async (req) => {
  await limitAuth(req);
  const user = await registerUser(await readBody(req, ZRegisterSchema));
  return json({ user }, 201);
});
