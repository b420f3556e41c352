// bcryptjs: maintained, pure JavaScript (no native build step on fresh machines), constant-time compare.
import bcrypt from "bcryptjs";

const ROUNDS = 10;
export const hashPassword = (password: string) => bcrypt.hash(password, ROUNDS);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);
